"""The read API's application factory: routes, error bodies and HTTP middleware."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from aggregator import __version__
from aggregator.api.auth import API_KEY_HEADER, api_key_dependency
from aggregator.api.dashboard import dashboard
from aggregator.api.etag import ETagMiddleware
from aggregator.api.observe import ObserveMiddleware, metrics_endpoint, metrics_registry
from aggregator.api.routes import SourceListCache, health_router, router
from aggregator.api.schemas import ErrorBody
from storage.engine import session_factory

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    422: "invalid_parameter",
}

DESCRIPTION = """\
Read-only access to the canonical articles of partner blogs and the pages that republish them.

* Lists are newest first and paginated by cursor: pass a page's `next_cursor` as `cursor` to
  get the next page; `next_cursor` is null on the last page.
* Every GET answers with an `ETag`; send it back in `If-None-Match` to get `304 Not Modified`.
* Errors are JSON: `{"error": code, "message": text, "details": [...]}`.
"""

def json_error(description: str) -> dict[str, Any]:
    """An error response for the OpenAPI document: always JSON, whatever the endpoint's own type.

    Spelled out instead of `{"model": ErrorBody}`, which FastAPI would document under the
    route's media type (application/atom+xml for the Atom feeds).
    """
    return {"description": description, "content": {"application/json": {"schema": ErrorBody.model_json_schema()}}}


# Documented on every data endpoint.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the client's `If-None-Match` matches the ETag."},
    404: json_error("No such resource."),
    422: json_error("A parameter is invalid."),
}


def _error(status: int, message: str, details: list[dict[str, Any]] | None = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorBody(error=ERROR_CODES.get(status, "error"), message=message, details=details)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


def _describe(error: dict[str, Any]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ()))
    return f"{location}: {error.get('msg', 'invalid')}"


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return _error(exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Keep only what is JSON-safe and useful: where, what, and the error type.
    details = [{"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
               for e in exc.errors()]
    message = "; ".join(_describe(e) for e in details) or "invalid request"
    return _error(422, message, details)


async def _on_unexpected_error(_request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error in the read API", exc_info=exc)
    body = ErrorBody(error="internal_error", message="an internal error occurred; it has been logged")
    return JSONResponse(body.model_dump(exclude_none=True), status_code=500)


def create_app(
    database_url: str, *, api_keys: set[str] | None = None, cors_origins: list[str] | None = None,
    access_log: bool = False,
) -> FastAPI:
    """The read API and the dashboard over the database at `database_url`.

    With `api_keys`, every endpoint (the dashboard's pages too) except /healthz, /metrics and the
    documentation needs one of the keys (header `X-API-Key` or `Authorization: Bearer`). With
    `cors_origins`, browsers on those origins may call the API ("*" allows any origin). With
    `access_log`, each request is logged on the `aggregator.access` logger.

    The documentation (/docs: Swagger UI, /redoc: ReDoc) is served with its assets by the app
    itself: it works without network access.
    """
    app = FastAPIOffline(
        title="Syndication aggregator read API",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url="/redoc",
        static_url="/docs-assets",
    )
    app.state.database_url = database_url
    app.state.sessions = session_factory(database_url)
    app.state.source_list = SourceListCache()
    app.state.metrics_registry, metrics = metrics_registry(app.state.sessions)
    auth = [Depends(api_key_dependency(api_keys))] if api_keys else []
    responses = dict(ERROR_RESPONSES)
    if api_keys:
        responses[401] = json_error(f"Missing or invalid key ({API_KEY_HEADER}).")
    app.include_router(router, dependencies=auth, responses=responses)
    app.include_router(dashboard, dependencies=auth)
    app.include_router(health_router)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected_error)
    # The last added is the outermost: CORS answers preflights first; gzip compresses what
    # the ETag middleware has already hashed, so the ETag names the content, not the encoding.
    app.add_middleware(ETagMiddleware)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=5)  # level 9 costs CPU for ~3% less
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors_origins,
            allow_methods=["GET"],
            allow_headers=[API_KEY_HEADER, "Authorization", "If-None-Match"],
            expose_headers=["ETag"],
            max_age=600,
        )
    # Outermost: it times and logs every request as the client sees it.
    app.add_middleware(ObserveMiddleware, metrics=metrics, log_requests=access_log)
    return app
