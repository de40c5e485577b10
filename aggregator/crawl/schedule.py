"""When to poll a feed next: its own publishing rhythm, what the server asks, back-off on errors.

The interval after a successful poll is the feed's recent gap between entries, never shorter
than what the server said the document stays fresh (Cache-Control max-age, Expires, RSS <ttl>),
clamped to the policy's bounds (15 minutes .. 24 hours by default). After a failed poll it is an
exponential back-off, never shorter than a 429/503 Retry-After, capped (24 hours by default):
a failing feed keeps being polled, and `is_failing` flags it after repeated errors.
Random jitter spreads feeds that would otherwise all fire together.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

_RETRY_AFTER_STATUSES = frozenset({429, 503})
_TEN_YEARS_SECONDS = 10 * 365 * 24 * 3600


@dataclass(frozen=True)
class SchedulePolicy:
    """The bounds of the polling schedule."""

    min_interval: timedelta = timedelta(minutes=15)
    max_interval: timedelta = timedelta(hours=24)
    jitter_fraction: float = 0.1  # each interval moves by up to ±10%, within the bounds
    failing_after: int = 5  # consecutive errors after which a feed is flagged as failing
    max_backoff: timedelta = timedelta(hours=24)
    default_interval: timedelta = timedelta(hours=1)  # for a feed without dated entries
    rhythm_entries: int = 20  # how many recent entries measure the publishing rhythm

    def __post_init__(self) -> None:
        if self.min_interval <= timedelta(0) or self.min_interval > self.max_interval:
            raise ValueError("SchedulePolicy needs 0 < min_interval <= max_interval")
        if self.max_backoff < self.min_interval:
            raise ValueError("SchedulePolicy needs max_backoff >= min_interval")
        if not 0 <= self.jitter_fraction < 1:
            raise ValueError("SchedulePolicy.jitter_fraction must be in [0, 1)")
        if self.failing_after < 1 or self.rhythm_entries < 2:
            raise ValueError("SchedulePolicy needs failing_after >= 1 and rhythm_entries >= 2")


DEFAULT_POLICY = SchedulePolicy()


def next_poll(
    *,
    now: datetime,
    entry_times: Sequence[datetime],
    headers: Mapping[str, str],
    ttl_minutes: int | None,
    status: int | None,
    consecutive_errors: int,
    policy: SchedulePolicy = DEFAULT_POLICY,
    rng: random.Random,
) -> datetime:
    """The time of the next poll of a feed, given what the poll at `now` saw.

    `status` is the HTTP status of that poll (None when no response came back); `consecutive_errors`
    counts failed polls in a row including this one (0 after a success; a 200 whose body was not a
    usable feed is a failure too). `headers` are the response headers, any case. Always returns a
    time: a failing feed is backed off, never dropped.
    """
    now = _aware(now)
    failed = consecutive_errors > 0 or status is None or status >= 400
    if failed:
        interval = backoff(max(consecutive_errors, 1), policy)
        floor, ceiling = policy.min_interval, policy.max_backoff
        retry_after = parse_retry_after(_header(headers, "retry-after"), now) \
            if status in _RETRY_AFTER_STATUSES else None
        if retry_after is not None:
            # The server named its own wait; never poll earlier, but never park a feed past the cap.
            floor = min(max(retry_after, floor), ceiling)
            interval = max(interval, floor)
    else:
        interval = poll_interval(now=now, entry_times=entry_times, policy=policy)
        floor, ceiling = policy.min_interval, policy.max_interval
        fresh_for = _freshness(headers, ttl_minutes, now)
        if fresh_for is not None:
            # Polling before the document expires would only fetch the same copy again.
            floor = min(max(fresh_for, floor), ceiling)
            interval = max(interval, floor)
    return now + _jittered(interval, floor, ceiling, policy.jitter_fraction, rng)


def poll_interval(*, now: datetime, entry_times: Sequence[datetime], policy: SchedulePolicy = DEFAULT_POLICY
                  ) -> timedelta:
    """The feed's publishing rhythm, clamped to the policy: how long to wait after a good poll.

    The rhythm is the mean gap between the most recent entries (up to `policy.rhythm_entries`).
    A feed quiet for longer than that gap is judged by its silence instead, so a dormant feed
    drifts to the maximum interval. Entry times in the future (clock skew) count as now.
    """
    now = _aware(now)
    times = sorted({min(_aware(t), now) for t in entry_times}, reverse=True)[: policy.rhythm_entries]
    if not times:
        return _clamp(policy.default_interval, policy.min_interval, policy.max_interval)
    silence = now - times[0]
    gap = (times[0] - times[-1]) / (len(times) - 1) if len(times) > 1 else silence
    return _clamp(max(gap, silence), policy.min_interval, policy.max_interval)


def backoff(consecutive_errors: int, policy: SchedulePolicy = DEFAULT_POLICY) -> timedelta:
    """The wait after `consecutive_errors` failed polls in a row: min_interval doubled per error, capped."""
    if consecutive_errors <= 0:
        return policy.min_interval
    # Cap in seconds before building a timedelta: 2**n for a long-failing feed would overflow it.
    doublings = min(consecutive_errors - 1, 64)
    seconds = policy.min_interval.total_seconds() * (2**doublings)
    return timedelta(seconds=min(seconds, policy.max_backoff.total_seconds()))


def is_failing(consecutive_errors: int, policy: SchedulePolicy = DEFAULT_POLICY) -> bool:
    """True once a feed has failed `policy.failing_after` polls in a row: show it to the operator."""
    return consecutive_errors >= policy.failing_after


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (delay in seconds, or an HTTP date) as a wait from `now`; None if unusable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if _is_number(value):
        return _seconds(value)
    when = _http_date(value)
    if when is None:
        return None
    return max(when - _aware(now), timedelta(0))


def parse_cache_lifetime(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    """How long the response stays fresh: Cache-Control max-age (less Age), else Expires; None if unsaid.

    `no-cache`/`no-store` and an unparseable or past Expires mean zero (revalidate every time).
    """
    cache_control = _header(headers, "cache-control") or ""
    directives = _cache_directives(cache_control)
    if "no-store" in directives or "no-cache" in directives:
        return timedelta(0)
    max_age = directives.get("max-age")
    if max_age is not None and _is_number(max_age):
        age = (_header(headers, "age") or "").strip()
        already = _seconds(age) if _is_number(age) else timedelta(0)
        return max(_seconds(max_age) - already, timedelta(0))
    expires = _header(headers, "expires")
    if expires is None:
        return None
    expiry = _http_date(expires)
    if expiry is None:
        return timedelta(0)  # RFC 9111: an invalid Expires ("0", "-1") means already expired
    # Measure against the server's own clock when it sent one, to be immune to clock skew.
    date = _http_date(_header(headers, "date") or "") or _aware(now)
    return max(expiry - date, timedelta(0))


def _freshness(headers: Mapping[str, str], ttl_minutes: int | None, now: datetime) -> timedelta | None:
    """The longest of the HTTP cache lifetime and the RSS <ttl>, or None when neither is given."""
    candidates = [parse_cache_lifetime(headers, now)]
    if ttl_minutes is not None and ttl_minutes > 0:
        candidates.append(timedelta(minutes=ttl_minutes))
    given = [c for c in candidates if c is not None]
    return max(given) if given else None


def _jittered(interval: timedelta, floor: timedelta, ceiling: timedelta, fraction: float,
              rng: random.Random) -> timedelta:
    """`interval` moved by a random ±fraction, kept within [floor, ceiling]."""
    factor = 1.0 + rng.uniform(-fraction, fraction) if fraction else 1.0
    return _clamp(interval * factor, floor, ceiling)


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _seconds(digits: str) -> timedelta:
    # Bounded: a header of twenty digits must not overflow timedelta; ten years means "very long".
    return timedelta(seconds=min(int(digits), _TEN_YEARS_SECONDS))


def _aware(when: datetime) -> datetime:
    """A datetime in UTC; a naive one is taken to be UTC already (storage keeps UTC)."""
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _clamp(value: timedelta, low: timedelta, high: timedelta) -> timedelta:
    return max(low, min(value, high))


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by case-insensitive name."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _cache_directives(cache_control: str) -> dict[str, str]:
    directives = {}
    for part in cache_control.split(","):
        name, _, value = part.strip().partition("=")
        if name:
            directives[name.strip().lower()] = value.strip().strip('"')
    return directives


def _http_date(value: str) -> datetime | None:
    """An HTTP date (RFC 9110 IMF-fixdate, or the obsolete forms) as an aware UTC datetime."""
    try:
        when = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return None if when is None else _aware(when)
