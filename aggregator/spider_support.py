"""Helpers the spiders share: reading headers, describing a failed request in words."""

from __future__ import annotations

from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectError,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed


def header(response: Response, name: str) -> str | None:
    """A response header as text, or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def describe_failure(failure: Failure) -> tuple[int | None, str]:
    """The HTTP status (if any) and a human reason for a failed request."""
    exc = failure.value
    if isinstance(exc, HttpError):
        response = exc.response
        return response.status, f"HTTP {response.status}"
    if failure.check(DNSLookupError):
        return None, f"DNS lookup failed: {exc}"
    if failure.check(ConnectionRefusedError):
        return None, "connection refused"
    if failure.check(TimeoutError, TCPTimedOutError):
        return None, "timed out"
    if failure.check(CancelledError):
        return None, f"download cancelled (body over the size limit or timed out): {exc}"
    if failure.check(ResponseFailed, ConnectionLost):
        return None, f"connection lost: {exc}"
    if failure.check(ConnectError):
        return None, f"cannot connect: {exc}"
    return None, f"{type(exc).__name__}: {exc}"
