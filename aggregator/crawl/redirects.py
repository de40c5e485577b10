"""Redirects followed with their chain in mind: a loop or a chain too long ends with a reason.

Scrapy sends a redirect back through the scheduler, whose duplicate filter drops a URL already
seen: a loop (A → B → A) or a redirect to itself vanished without a trace. Here the chain is
checked before it goes on, and the request fails with "redirect loop: A → B → A" or "too many
redirects (5): A → B → …", which the spider records on the page (or feed) first asked for.
"""

from __future__ import annotations

from typing import Any

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware, RedirectMiddleware
from scrapy.http import Request

from aggregator.crawl.failures import FetchRefused

ARROW = " → "


def redirect_chain(request: Request, target: str) -> list[str]:
    """Every URL of the chain so far, `target` (where the answer points) last."""
    return [*request.meta.get("redirect_urls", []), request.url, target]


def _same(a: str, b: str) -> bool:
    return a.split("#", 1)[0] == b.split("#", 1)[0]


def chain_problem(chain: list[str], max_hops: int) -> str | None:
    """Why the redirect at the end of `chain` must not be followed, or None.

    A loop: the target is already in the chain. Too many: more than `max_hops` redirects.
    """
    *before, target = chain
    if any(_same(target, url) for url in before):
        start = next(i for i, url in enumerate(before) if _same(target, url))
        return "redirect loop: " + ARROW.join(chain[start:])
    hops = len(chain) - 1
    if hops > max_hops:
        shown = [*chain[:4], "…"] if len(chain) > 5 else chain
        return f"too many redirects ({max_hops}): " + ARROW.join(shown)
    return None


class _ChainCheck:
    max_redirect_times: int

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        problem = chain_problem(redirect_chain(request, redirected.url), self.max_redirect_times)
        if problem:
            raise FetchRefused(problem)
        return super()._redirect(redirected, request, reason)  # type: ignore[misc]


class ChainCheckedRedirectMiddleware(_ChainCheck, RedirectMiddleware):
    """HTTP 3xx redirects, refusing loops and chains over REDIRECT_MAX_TIMES with a reason."""


class ChainCheckedMetaRefreshMiddleware(_ChainCheck, MetaRefreshMiddleware):
    """`<meta http-equiv=refresh>` redirects, under the same rule."""
