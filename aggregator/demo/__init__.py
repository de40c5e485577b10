"""The built-in demo web: partner blogs and republishing sites served on loopback for `aggregator demo`."""

from aggregator.demo.model import (
    DemoExpectation,
    DemoSite,
    DemoWeb,
    ExpectedArticle,
    ExpectedRepublication,
)
from aggregator.demo.server import serve_demo_web
from aggregator.demo.site import build_demo_web

__all__ = [
    "DemoExpectation",
    "DemoSite",
    "DemoWeb",
    "ExpectedArticle",
    "ExpectedRepublication",
    "build_demo_web",
    "serve_demo_web",
]
