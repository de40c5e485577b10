"""The words a fault is recorded with, and the rules behind them (pure functions)."""

from __future__ import annotations

from aggregator.crawl.redirects import chain_problem
from aggregator.crawl.throttle import lowers_delay
from aggregator.crawl.truncation import truncation_reason


def test_a_redirect_loop_names_its_chain() -> None:
    assert chain_problem(["http://a/x", "http://a/y", "http://a/x"], 5) == \
        "redirect loop: http://a/x → http://a/y → http://a/x"
    assert chain_problem(["http://a/self", "http://a/self"], 5) == "redirect loop: http://a/self → http://a/self"
    # A loop that does not start at the first URL is shown from where it starts.
    assert chain_problem(["http://a/0", "http://a/1", "http://a/2", "http://a/1"], 5) == \
        "redirect loop: http://a/1 → http://a/2 → http://a/1"


def test_a_chain_is_capped() -> None:
    chain = [f"http://a/{n}" for n in range(7)]  # six redirects
    assert chain_problem(chain[:6], 5) is None  # five redirects: followed
    assert chain_problem(chain, 5) == "too many redirects (5): http://a/0 → http://a/1 → http://a/2 → http://a/3 → …"


def test_truncation_says_how_much_came() -> None:
    assert truncation_reason(1500, "9000") == "body truncated after 1,500 of 9,000 bytes"
    assert truncation_reason(1500, None) == "body truncated after 1,500 bytes"


def test_throttle_learns_from_healthy_answers_only() -> None:
    assert all(lowers_delay(status) for status in (200, 301, 304, 404, 410))
    assert not any(lowers_delay(status) for status in (429, 500, 503))
