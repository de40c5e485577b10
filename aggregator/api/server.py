"""Run the read API under uvicorn, configured from the environment.

AGGREGATOR_API_KEYS       comma-separated keys; when set, requests need one of them
AGGREGATOR_CORS_ORIGINS   comma-separated origins browsers may call from ("*" for any)
"""

from __future__ import annotations

import os

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


def app_from_env() -> FastAPI:
    """The read API configured entirely from the environment (a uvicorn `--factory` target)."""
    return create_app(
        Settings.from_env().database_url, api_keys=api_keys_from_env(), cors_origins=cors_origins_from_env()
    )


def run(*, host: str, port: int, database_url: str, workers: int = 1) -> None:
    """Serve the read API on host:port until interrupted.

    With more than one worker, uvicorn starts that many processes, each building its app from
    the environment; the database URL is passed to them through AGGREGATOR_DATABASE_URL.
    """
    import uvicorn

    if workers > 1:
        os.environ[DATABASE_URL_ENV] = database_url
        uvicorn.run("aggregator.api.server:app_from_env", factory=True, host=host, port=port,
                    workers=workers, proxy_headers=True, access_log=False)
        return
    app = create_app(database_url, api_keys=api_keys_from_env(), cors_origins=cors_origins_from_env())
    uvicorn.run(app, host=host, port=port, proxy_headers=True, access_log=False)
