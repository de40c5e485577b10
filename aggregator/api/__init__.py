"""The read API for downstream sites: HTTP endpoints, outgoing feeds, conditional GETs."""

from aggregator.api.app import create_app

__all__ = ["create_app"]
