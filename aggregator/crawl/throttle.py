"""AutoThrottle that learns from every ordinary answer, not only from 200s.

Scrapy's AutoThrottle never lowers a host's delay on an answer other than 200 (error pages are
small, so their low latency would shrink the delay while the server struggles). But a partner
that deleted its archive answers thousands of quick 404s: the delay set by the slowest 200 seen
(robots.txt, the sitemap) then holds for the whole crawl. Here any answer below 500 except 429
is a latency sample like a 200; a 5xx or a 429 (the server is in trouble or asks us to slow down)
still never lowers the delay.
"""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


def lowers_delay(status: int) -> bool:
    """Whether an answer with `status` may lower a host's delay (a healthy server's answer)."""
    return status < 500 and status != 429


class AnswerAwareAutoThrottle(AutoThrottle):
    """AutoThrottle adjusting on 2xx, 3xx and 4xx answers alike (not on 5xx or 429)."""

    def _adjust_delay(self, slot: Slot, latency: float, response: Response) -> None:
        if not lowers_delay(response.status):
            super()._adjust_delay(slot, latency, response)
            return
        target_delay = latency / self.target_concurrency
        new_delay = max(target_delay, (slot.delay + target_delay) / 2.0)
        slot.delay = min(max(self.mindelay, new_delay), self.maxdelay)
