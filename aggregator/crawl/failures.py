"""Helpers the spiders share: reading headers, describing a failed request in words.

A reason is written for the operator who reads it in `feeds list` or `explain`: what happened
on the wire ("connection reset by peer", "no answer within 30 s", "body truncated after 1,500
of 9,000 bytes"), never the repr of a library's exception.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectError,
    ConnectionDone,
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from aggregator.crawl.guard import RefusedRequest, refusal_of_lookup

RESET = "connection reset by peer"
CLOSED_EARLY = "connection closed by the server before the response was complete"
CLOSED_BEFORE_ANSWER = "connection closed by the server before it answered"


class FetchRefused(IgnoreRequest):
    """A request the crawl decided not to make or not to follow, with the reason in words
    (robots.txt unreadable, a redirect loop, too many redirects, a truncated body)."""


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


def _seconds(value: object) -> str:
    number = float(value)  # type: ignore[arg-type]
    return f"{number:g}"


def _timeout_reason(request: Request | None) -> str:
    timeout = request.meta.get("download_timeout") if request is not None else None
    return f"no answer within {_seconds(timeout)} s" if timeout else "no answer in time"


def _lost_reason(exc: BaseException) -> str:
    """Words for a connection that ended early, from Twisted's reasons (a list of failures).

    Twisted reports a clean close (FIN) as ConnectionDone and any other end (a reset: the OS
    error itself is not kept) as ConnectionLost "in a non-clean fashion".
    """
    reasons = [getattr(r, "value", r) for r in (getattr(exc, "reasons", None) or [])]
    if any(isinstance(r, ConnectionLost) and not isinstance(r, ConnectionDone) for r in reasons):
        return RESET
    return CLOSED_BEFORE_ANSWER if isinstance(exc, ResponseNeverReceived) else CLOSED_EARLY


def _status_and_reason(failure: Failure) -> tuple[int | None, str]:
    exc = failure.value
    assert exc is not None
    request = getattr(failure, "request", None)
    if isinstance(exc, HttpError):
        response = exc.response
        return response.status, f"HTTP {response.status}"
    if isinstance(exc, FetchRefused):
        return None, str(exc)
    if failure.check(RefusedRequest):
        return None, str(exc)
    if failure.check(CannotResolveHostError, DNSLookupError):
        refused = refusal_of_lookup(urlsplit(request.url).hostname) if request is not None else None
        return None, refused or f"DNS lookup failed: {exc}"
    if failure.check(DownloadConnectionRefusedError, ConnectionRefusedError):
        return None, "connection refused"
    if failure.check(DownloadTimeoutError, TimeoutError, TCPTimedOutError):
        return None, _timeout_reason(request)
    if "exceeded DOWNLOAD_MAXSIZE" in str(exc) or "larger than download max size" in str(exc) \
            or "max size" in str(exc).lower():
        return None, f"body over the size limit (AGGREGATOR_MAX_BODY_SIZE): {exc}"
    if failure.check(DownloadCancelledError, CancelledError):
        return None, f"download cancelled (body over the size limit or timed out): {exc}"
    if failure.check(ResponseDataLossError):
        return None, "body truncated: the connection closed before the declared length arrived"
    if failure.check(DownloadFailedError):
        cause = exc.__cause__
        if isinstance(cause, ResponseFailed | ResponseNeverReceived):
            return None, _lost_reason(cause)
        return None, f"download failed: {exc}"
    if failure.check(ResponseFailed, ResponseNeverReceived):
        return None, _lost_reason(exc)
    if failure.check(ConnectionDone):
        return None, CLOSED_EARLY
    if failure.check(ConnectionLost):
        return None, RESET
    if failure.check(ConnectError):
        return None, f"cannot connect: {exc}"
    if isinstance(exc, IgnoreRequest):
        return None, str(exc) or "request not made"
    if isinstance(exc, OSError) and ("gzip" in str(exc).lower() or "decompress" in str(exc).lower()):
        return None, f"body could not be decompressed: {exc}"
    return None, f"{type(exc).__name__}: {exc}"
