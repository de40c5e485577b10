"""Storage: SQLAlchemy models and the only code that talks SQL."""

from storage.articles import Article, Republication, UrlAlias
from storage.base import Base
from storage.boilerplate import SiteParagraph
from storage.feeds import Feed, FeedEntry
from storage.fingerprints import ArticleFingerprint, RepublicationFingerprint
from storage.pages import Page
from storage.runs import CrawlRun
from storage.sources import Source

__all__ = [
    "Article",
    "ArticleFingerprint",
    "Base",
    "CrawlRun",
    "Feed",
    "FeedEntry",
    "Page",
    "Republication",
    "RepublicationFingerprint",
    "SiteParagraph",
    "Source",
    "UrlAlias",
]
