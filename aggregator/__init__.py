"""Syndication aggregator: crawl partner blogs and their republishers into canonical articles."""

__version__ = "0.1.0"
