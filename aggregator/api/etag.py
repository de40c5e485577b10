"""ETag and conditional GET for every successful GET response.

The ETag is a hash of the response body (weak, because gzip may re-encode the bytes on the
way out). A GET whose `If-None-Match` lists the current ETag gets `304 Not Modified` without
a body. Clients still pay for the query, but not for the transfer.
"""

from __future__ import annotations

import hashlib

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def body_etag(body: bytes) -> str:
    """The weak ETag of a response body."""
    return 'W/"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether an If-None-Match header value matches `etag` (weak comparison, RFC 9110 13.1.2)."""
    if if_none_match.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(candidate.strip().removeprefix("W/") == opaque for candidate in if_none_match.split(","))


class ETagMiddleware:
    """Adds an ETag to 200 responses of GET, and answers 304 when the client already has it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if_none_match = Headers(scope=scope).get("if-none-match")
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await _finish(start, b"".join(chunks))

        async def _finish(start_message: Message, body: bytes) -> None:
            if start_message["status"] != 200:
                await send(start_message)
                await send({"type": "http.response.body", "body": body})
                return
            etag = body_etag(body)
            headers = MutableHeaders(scope=start_message)
            headers["etag"] = etag
            if if_none_match is not None and etag_matches(if_none_match, etag):
                not_modified = MutableHeaders()
                # RFC 9110 15.4.5: a 304 repeats the validators and caching headers only.
                for name in ("etag", "cache-control", "vary", "content-location", "expires"):
                    if name in headers:
                        not_modified[name] = headers[name]
                await send({"type": "http.response.start", "status": 304, "headers": not_modified.raw})
                await send({"type": "http.response.body", "body": b""})
                return
            await send(start_message)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffer)
