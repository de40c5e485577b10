"""Extraction: a fetched page decoded and parsed once, its main text and metadata, and what it
claims about its origin (attribution). Pure functions: HTML in, plain data out."""

from aggregator.extract.page import ParsedPage, decode_html, parse_page
from aggregator.extract.reading import PageReading, article_text, read_page, warm_up

__all__ = ["PageReading", "ParsedPage", "article_text", "decode_html", "parse_page", "read_page", "warm_up"]
