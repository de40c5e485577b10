"""Optional API keys: with keys configured, every data endpoint needs one of them.

A key travels in the `X-API-Key` header, or as `Authorization: Bearer <key>` (for clients that
only set that header). `/healthz`, `/docs` and `/openapi.json` stay open so that probes and
readers of the documentation need no key.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Collection
from typing import Annotated

from fastapi import Depends, HTTPException
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

API_KEY_HEADER = "X-API-Key"

_api_key_header = APIKeyHeader(name=API_KEY_HEADER, auto_error=False, description="An API key.")
_bearer = HTTPBearer(auto_error=False, description="An API key as a bearer token.")


def key_is_valid(presented: str, keys: Collection[str]) -> bool:
    """Whether `presented` is one of `keys`, compared in constant time."""
    encoded = presented.encode("utf-8", "surrogatepass")
    found = False
    for key in keys:
        # Compare with every key, without stopping early, so timing reveals nothing.
        found |= hmac.compare_digest(encoded, key.encode("utf-8", "surrogatepass"))
    return found


def api_key_dependency(keys: Collection[str] | None) -> Callable[..., None]:
    """A FastAPI dependency that refuses requests without a valid key (when `keys` is set)."""
    frozen = frozenset(keys or ())

    def require_api_key(
        header_key: Annotated[str | None, Depends(_api_key_header)],
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> None:
        if not frozen:
            return
        presented = header_key or (bearer.credentials if bearer is not None else None)
        if presented is None:
            raise HTTPException(
                status_code=401,
                detail=f"an API key is required: send it in the {API_KEY_HEADER} header",
                headers={"WWW-Authenticate": "Bearer"},
            )
        if not key_is_valid(presented, frozen):
            raise HTTPException(status_code=401, detail="the API key is not valid",
                                headers={"WWW-Authenticate": "Bearer"})

    return require_api_key
