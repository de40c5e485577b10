"""Run the read API under uvicorn, configured from the environment.

AGGREGATOR_API_KEYS       comma-separated keys; when set, requests need one of them
AGGREGATOR_CORS_ORIGINS   comma-separated origins browsers may call from ("*" for any)
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI

from aggregator.api.app import create_app
from aggregator.settings import Settings

API_KEYS_ENV = "AGGREGATOR_API_KEYS"
CORS_ORIGINS_ENV = "AGGREGATOR_CORS_ORIGINS"
DATABASE_URL_ENV = "AGGREGATOR_DATABASE_URL"


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def api_keys_from_env() -> set[str] | None:
    """The API keys of AGGREGATOR_API_KEYS, or None when keys are not required."""
    return set(_split(os.environ.get(API_KEYS_ENV))) or None


def cors_origins_from_env() -> list[str] | None:
    """The origins of AGGREGATOR_CORS_ORIGINS, or None for no CORS headers."""
    return _split(os.environ.get(CORS_ORIGINS_ENV)) or None


ACCESS_LOG_ENV = "AGGREGATOR_ACCESS_LOG"
LOG_LEVEL_ENV = "AGGREGATOR_LOG_LEVEL"
LOG_FORMAT_ENV = "AGGREGATOR_LOG_FORMAT"


def app_from_env() -> FastAPI:
    """The read API configured entirely from the environment (a uvicorn `--factory` target)."""
    from aggregator.crawl.logs import configure_logging

    configure_logging(os.environ.get(LOG_LEVEL_ENV) or "INFO", os.environ.get(LOG_FORMAT_ENV) or "text")
    return create_app(
        Settings.from_env().database_url, api_keys=api_keys_from_env(), cors_origins=cors_origins_from_env(),
        access_log=os.environ.get(ACCESS_LOG_ENV, "1") != "0",
    )


def run(*, host: str, port: int, database_url: str, workers: int = 1, access_log: bool = True,
        log_level: str = "INFO", log_format: str = "text") -> None:
    """Serve the read API and the dashboard on host:port until interrupted.

    Logs go to stderr (see aggregator.crawl.logs): uvicorn's own messages, and with `access_log`
    one line per request. With more than one worker, uvicorn starts that many processes, each
    building its app from the environment; the settings are passed to them through it.
    """
    import uvicorn

    # uvicorn's loggers go through the root handler (text or JSON) rather than their own.
    options: dict[str, Any] = {"host": host, "port": port, "proxy_headers": True, "access_log": False,
                               "log_config": None, "log_level": log_level.lower()}
    if workers > 1:
        os.environ[DATABASE_URL_ENV] = database_url
        os.environ[ACCESS_LOG_ENV] = "1" if access_log else "0"
        os.environ[LOG_LEVEL_ENV] = log_level
        os.environ[LOG_FORMAT_ENV] = log_format
        uvicorn.run("aggregator.api.server:app_from_env", factory=True, workers=workers, **options)
        return
    app = create_app(database_url, api_keys=api_keys_from_env(), cors_origins=cors_origins_from_env(),
                     access_log=access_log)
    uvicorn.run(app, **options)
