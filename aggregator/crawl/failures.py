"""Helpers the spiders share: reading headers, describing a failed request in words."""

from __future__ import annotations

from urllib.parse import urlsplit

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

from aggregator.crawl.guard import RefusedRequest, refusal_of_lookup


def header(response: Response, name: str) -> str | None:
    """A response header as text, or None."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def response_headers(response: Response) -> dict[str, str]:
    """The response headers as text (first value of each), for the polling schedule."""
    return {
        key.decode("latin-1"): values[0].decode("latin-1")
        for key, values in response.headers.items()
        if values
    }


def describe_failure(failure: Failure) -> tuple[int | None, str, dict[str, str]]:
    """The HTTP status (if any), a human reason and the response headers of a failed request."""
    status, reason = _status_and_reason(failure)
    exc = failure.value
    headers = response_headers(exc.response) if isinstance(exc, HttpError) else {}
    return status, reason, headers


def _status_and_reason(failure: Failure) -> tuple[int | None, str]:
    exc = failure.value
    if isinstance(exc, HttpError):
        response = exc.response
        return response.status, f"HTTP {response.status}"
    if failure.check(RefusedRequest):
        return None, str(exc)
    if failure.check(DNSLookupError):
        request = getattr(failure, "request", None)
        refused = refusal_of_lookup(urlsplit(request.url).hostname) if request is not None else None
        return None, refused or f"DNS lookup failed: {exc}"
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
    if "exceeded DOWNLOAD_MAXSIZE" in str(exc) or "larger than download max size" in str(exc):
        return None, f"body over the size limit (AGGREGATOR_MAX_BODY_SIZE): {exc}"
    return None, f"{type(exc).__name__}: {exc}"
