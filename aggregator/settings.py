"""Configuration from the environment, with sensible defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

from aggregator import __version__

DEFAULT_DATABASE_URL = "sqlite:///aggregator.db"
DEFAULT_CONTACT_URL = "https://example.org/aggregator-bot"


@dataclass(frozen=True)
class Settings:
    """What the aggregator reads from its environment.

    AGGREGATOR_DATABASE_URL   any SQLAlchemy URL for SQLite or PostgreSQL (default: ./aggregator.db)
    AGGREGATOR_CONTACT_URL    the page the user agent points site owners to
    AGGREGATOR_USER_AGENT     replaces the whole user agent
    AGGREGATOR_DOWNLOAD_TIMEOUT  seconds (default 20)
    AGGREGATOR_MAX_BODY_SIZE  bytes (default 15 MiB)
    AGGREGATOR_CONCURRENCY_PER_HOST  parallel requests per host (default 2)
    AGGREGATOR_MIN_POLL_MINUTES  shortest interval between two polls of a feed (default 15)
    AGGREGATOR_MAX_POLL_HOURS  longest interval, and the cap of the error back-off (default 24)
    AGGREGATOR_ALLOW_PRIVATE_NETWORKS  non-public networks the crawler may reach anyway: comma-separated
                              CIDRs (10.20.0.0/16,127.0.0.1) or `all`; by default every request to a
                              loopback, private, link-local, multicast or reserved address is refused
    Proxies come from the standard http_proxy / https_proxy / no_proxy variables.
    """

    database_url: str = DEFAULT_DATABASE_URL
    contact_url: str = DEFAULT_CONTACT_URL
    user_agent_override: str | None = None
    download_timeout: float = 20.0
    max_body_size: int = 15 * 1024 * 1024
    concurrency_per_host: int = 2
    min_poll_minutes: float = 15.0
    max_poll_hours: float = 24.0
    allow_private_networks: str = ""

    @classmethod
    def from_env(cls) -> Settings:
        """Settings read from the current environment."""
        env = os.environ
        return cls(
            database_url=env.get("AGGREGATOR_DATABASE_URL") or DEFAULT_DATABASE_URL,
            contact_url=env.get("AGGREGATOR_CONTACT_URL") or DEFAULT_CONTACT_URL,
            user_agent_override=env.get("AGGREGATOR_USER_AGENT") or None,
            download_timeout=float(env.get("AGGREGATOR_DOWNLOAD_TIMEOUT") or 20.0),
            max_body_size=int(env.get("AGGREGATOR_MAX_BODY_SIZE") or 15 * 1024 * 1024),
            concurrency_per_host=int(env.get("AGGREGATOR_CONCURRENCY_PER_HOST") or 2),
            min_poll_minutes=float(env.get("AGGREGATOR_MIN_POLL_MINUTES") or 15.0),
            max_poll_hours=float(env.get("AGGREGATOR_MAX_POLL_HOURS") or 24.0),
            allow_private_networks=env.get("AGGREGATOR_ALLOW_PRIVATE_NETWORKS") or "",
        )

    @property
    def user_agent(self) -> str:
        """The user agent: the project's name and version, and where to reach its operator."""
        return self.user_agent_override or f"syndication-aggregator/{__version__} (+{self.contact_url})"
