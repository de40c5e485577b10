"""The polling schedule: rhythm, clamps, server hints, back-off, jitter."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator.crawl.schedule import (
    SchedulePolicy,
    backoff,
    is_failing,
    next_poll,
    parse_cache_lifetime,
    parse_retry_after,
    poll_interval,
)

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
NO_JITTER = SchedulePolicy(jitter_fraction=0.0)
HOUR = timedelta(hours=1)


def every(gap: timedelta, count: int, *, last: datetime = NOW) -> list[datetime]:
    """`count` entry times `gap` apart, the newest at `last`."""
    return [last - i * gap for i in range(count)]


def poll(policy: SchedulePolicy = NO_JITTER, *, entry_times: list[datetime] | None = None,
         headers: dict[str, str] | None = None, ttl_minutes: int | None = None, status: int | None = 200,
         consecutive_errors: int = 0, seed: int = 1) -> timedelta:
    """The wait next_poll chooses, for readable assertions."""
    when = next_poll(now=NOW, entry_times=entry_times or [], headers=headers or {}, ttl_minutes=ttl_minutes,
                     status=status, consecutive_errors=consecutive_errors, policy=policy,
                     rng=random.Random(seed))
    return when - NOW


# --- publishing rhythm and clamps -----------------------------------------------------------


def test_interval_follows_the_feeds_publishing_frequency() -> None:
    assert poll(entry_times=every(3 * HOUR, 10)) == 3 * HOUR
    assert poll(entry_times=every(40 * timedelta(minutes=1), 10)) == timedelta(minutes=40)


def test_a_busier_feed_is_polled_more_often() -> None:
    assert poll(entry_times=every(HOUR, 10)) < poll(entry_times=every(6 * HOUR, 10))


def test_rhythm_uses_only_the_recent_entries() -> None:
    # Old entries a week apart, then twenty entries an hour apart: the recent rhythm wins.
    recent = every(HOUR, 20)
    old = every(timedelta(days=7), 10, last=recent[-1] - timedelta(days=7))
    assert poll(entry_times=recent + old) == HOUR


def test_entry_order_and_duplicates_do_not_matter() -> None:
    times = every(2 * HOUR, 8)
    assert poll(entry_times=list(reversed(times)) + times[:3]) == 2 * HOUR


def test_fast_feed_is_clamped_to_the_minimum_interval() -> None:
    assert poll(entry_times=every(timedelta(minutes=2), 30)) == timedelta(minutes=15)


def test_slow_feed_is_clamped_to_the_maximum_interval() -> None:
    assert poll(entry_times=every(timedelta(days=9), 5)) == timedelta(hours=24)


def test_clamps_are_configurable() -> None:
    policy = SchedulePolicy(min_interval=timedelta(minutes=5), max_interval=timedelta(hours=6),
                            jitter_fraction=0.0)
    assert poll(policy, entry_times=every(timedelta(minutes=2), 30)) == timedelta(minutes=5)
    assert poll(policy, entry_times=every(timedelta(days=2), 5)) == timedelta(hours=6)


def test_a_dormant_feed_drifts_to_the_maximum() -> None:
    # Hourly entries, but the last one was three days ago: its silence says more than its past.
    assert poll(entry_times=every(HOUR, 10, last=NOW - timedelta(days=3))) == timedelta(hours=24)


def test_a_feed_without_dated_entries_gets_the_default_interval() -> None:
    assert poll(entry_times=[]) == NO_JITTER.default_interval


def test_future_entry_dates_count_as_now() -> None:
    times = [NOW + timedelta(days=400), *every(2 * HOUR, 5)]
    assert poll_interval(now=NOW, entry_times=times, policy=NO_JITTER) >= timedelta(minutes=15)
    assert poll_interval(now=NOW, entry_times=times, policy=NO_JITTER) <= 2 * HOUR


# --- what the server says -------------------------------------------------------------------


def test_cache_control_max_age_delays_the_poll() -> None:
    assert poll(entry_times=every(HOUR, 10), headers={"Cache-Control": "public, max-age=10800"}) == 3 * HOUR


def test_max_age_is_counted_from_the_age_of_the_response() -> None:
    headers = {"cache-control": "max-age=7200", "Age": "3600"}
    assert parse_cache_lifetime(headers, NOW) == HOUR


def test_a_short_max_age_does_not_shorten_the_rhythm() -> None:
    assert poll(entry_times=every(5 * HOUR, 10), headers={"Cache-Control": "max-age=60"}) == 5 * HOUR


def test_expires_delays_the_poll_measured_on_the_servers_clock() -> None:
    headers = {"Date": "Tue, 10 Mar 2026 11:00:00 GMT", "Expires": "Tue, 10 Mar 2026 15:00:00 GMT"}
    assert parse_cache_lifetime(headers, NOW) == 4 * HOUR
    assert poll(entry_times=every(HOUR, 10), headers=headers) == 4 * HOUR


def test_invalid_or_past_expires_means_no_freshness() -> None:
    assert parse_cache_lifetime({"Expires": "0"}, NOW) == timedelta(0)
    assert parse_cache_lifetime({"Expires": "Mon, 01 Jan 2001 00:00:00 GMT"}, NOW) == timedelta(0)


def test_max_age_wins_over_expires() -> None:
    headers = {"Cache-Control": "max-age=600", "Expires": "Tue, 10 Mar 2026 20:00:00 GMT"}
    assert parse_cache_lifetime(headers, NOW) == timedelta(minutes=10)


def test_no_cache_and_silence_are_told_apart() -> None:
    assert parse_cache_lifetime({"Cache-Control": "no-cache"}, NOW) == timedelta(0)
    assert parse_cache_lifetime({}, NOW) is None


def test_rss_ttl_delays_the_poll() -> None:
    assert poll(entry_times=every(HOUR, 10), ttl_minutes=180) == 3 * HOUR


def test_server_hints_never_push_past_the_maximum() -> None:
    assert poll(entry_times=every(HOUR, 10), headers={"Cache-Control": "max-age=604800"}) == timedelta(hours=24)
    assert poll(entry_times=every(HOUR, 10), ttl_minutes=10_000) == timedelta(hours=24)


# --- errors, Retry-After, back-off ----------------------------------------------------------


@pytest.mark.parametrize(("errors", "expected"), [
    (1, timedelta(minutes=15)),
    (2, timedelta(minutes=30)),
    (3, timedelta(hours=1)),
    (5, timedelta(hours=4)),
    (7, timedelta(hours=16)),
])
def test_backoff_doubles_per_consecutive_error(errors: int, expected: timedelta) -> None:
    assert backoff(errors) == expected
    assert poll(status=500, consecutive_errors=errors) == expected


@pytest.mark.parametrize("errors", [8, 9, 30, 10_000])
def test_backoff_is_capped_at_24_hours(errors: int) -> None:
    assert backoff(errors) == timedelta(hours=24)
    assert poll(status=None, consecutive_errors=errors) == timedelta(hours=24)


def test_backoff_ignores_the_publishing_rhythm() -> None:
    assert poll(status=502, consecutive_errors=1, entry_times=every(timedelta(days=3), 5)) == \
        timedelta(minutes=15)


def test_a_200_that_was_not_a_feed_backs_off_too() -> None:
    assert poll(status=200, consecutive_errors=3) == HOUR


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds_is_honoured(status: int) -> None:
    assert poll(status=status, consecutive_errors=1, headers={"Retry-After": "7200"}) == 2 * HOUR


def test_retry_after_date_is_honoured() -> None:
    headers = {"retry-after": "Tue, 10 Mar 2026 18:30:00 GMT"}
    assert poll(status=503, consecutive_errors=1, headers=headers) == timedelta(hours=6, minutes=30)


def test_retry_after_shorter_than_the_backoff_does_not_shorten_it() -> None:
    assert poll(status=429, consecutive_errors=4, headers={"Retry-After": "60"}) == 2 * HOUR


def test_retry_after_is_ignored_on_other_statuses_and_capped() -> None:
    assert poll(status=500, consecutive_errors=1, headers={"Retry-After": "7200"}) == timedelta(minutes=15)
    assert poll(status=429, consecutive_errors=1, headers={"Retry-After": "9999999"}) == timedelta(hours=24)


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", NOW) == timedelta(minutes=2)
    assert parse_retry_after(" Tue, 10 Mar 2026 13:00:00 GMT ", NOW) == HOUR
    assert parse_retry_after("Mon, 09 Mar 2026 13:00:00 GMT", NOW) == timedelta(0)
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after("", NOW) is None
    assert parse_retry_after(None, NOW) is None
    assert parse_retry_after("9" * 40, NOW) is not None  # no overflow


def test_failing_flag_after_repeated_errors() -> None:
    assert not is_failing(0)
    assert not is_failing(4)
    assert is_failing(5)
    assert is_failing(2, SchedulePolicy(failing_after=2))


def test_a_failing_feed_is_still_scheduled() -> None:
    for errors in range(1, 50):
        assert timedelta(0) < poll(status=None, consecutive_errors=errors) <= timedelta(hours=24)


# --- jitter ---------------------------------------------------------------------------------


def test_jitter_stays_within_its_fraction() -> None:
    policy = SchedulePolicy(jitter_fraction=0.2)
    waits = {poll(policy, entry_times=every(2 * HOUR, 10), seed=seed) for seed in range(200)}
    assert all(timedelta(hours=1.6) <= w <= timedelta(hours=2.4) for w in waits)
    assert len(waits) > 100  # feeds with the same rhythm do not all fire together
    assert min(waits) < timedelta(hours=1.8) and max(waits) > timedelta(hours=2.2)


def test_jitter_never_breaks_the_bounds_or_retry_after() -> None:
    policy = SchedulePolicy(jitter_fraction=0.5)
    for seed in range(100):
        assert poll(policy, entry_times=every(timedelta(days=5), 3), seed=seed) <= timedelta(hours=24)
        assert poll(policy, entry_times=every(timedelta(minutes=1), 30), seed=seed) >= timedelta(minutes=15)
        retry = poll(policy, status=429, consecutive_errors=1, headers={"Retry-After": "3600"}, seed=seed)
        assert HOUR <= retry <= 1.5 * HOUR


def test_same_seed_same_schedule() -> None:
    assert poll(SchedulePolicy(), entry_times=every(HOUR, 5), seed=7) == \
        poll(SchedulePolicy(), entry_times=every(HOUR, 5), seed=7)


def test_policy_rejects_inconsistent_bounds() -> None:
    with pytest.raises(ValueError):
        SchedulePolicy(min_interval=timedelta(hours=2), max_interval=HOUR)
    with pytest.raises(ValueError):
        SchedulePolicy(jitter_fraction=1.5)


@given(
    gaps=st.lists(st.integers(min_value=0, max_value=30 * 24 * 3600), max_size=30),
    errors=st.integers(min_value=0, max_value=100),
    status=st.sampled_from([200, 304, 404, 429, 500, 503, None]),
    max_age=st.one_of(st.none(), st.integers(min_value=0, max_value=10**9)),
    ttl=st.one_of(st.none(), st.integers(min_value=-5, max_value=10**6)),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_next_poll_is_always_within_the_bounds(gaps: list[int], errors: int, status: int | None,
                                               max_age: int | None, ttl: int | None, seed: int) -> None:
    times, t = [], NOW
    for gap in gaps:
        t -= timedelta(seconds=gap)
        times.append(t)
    headers = {"Cache-Control": f"max-age={max_age}"} if max_age is not None else {}
    wait = poll(SchedulePolicy(), entry_times=times, headers=headers, ttl_minutes=ttl, status=status,
                consecutive_errors=errors, seed=seed)
    assert timedelta(minutes=15) <= wait <= timedelta(hours=24)
