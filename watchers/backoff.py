"""When to poll a source next: its interval on success, exponential backoff on failure."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_DELAY = timedelta(hours=24)
JITTER_SHARE = 0.10


def next_check_at(
    now: datetime,
    *,
    interval: timedelta,
    error_count: int,
    retry_after: timedelta | None = None,
    jitter: float = 0.0,
) -> datetime:
    """The time of the next poll after a run that ended with ``error_count`` failures in a row.

    A success (``error_count == 0``) waits ``interval`` plus up to 10 % of it scaled by
    ``jitter`` in ``[0, 1)``, which the caller draws so that this function stays pure.
    The n-th failure in a row waits ``interval * 2**(n-1)``, at most 24 hours, and never
    less than the server's ``retry_after`` (which ``fetch_source`` caps at a day).
    """
    if not 0.0 <= jitter < 1.0:
        raise ValueError(f"jitter must be in [0, 1), got {jitter!r}")
    if error_count <= 0:
        return now + interval + interval * (JITTER_SHARE * jitter)
    return now + max(_backoff(interval, error_count), retry_after or timedelta(0))


def _backoff(interval: timedelta, error_count: int) -> timedelta:
    """``interval * 2**(error_count-1)`` capped at ``MAX_DELAY``, without overflowing."""
    delay = interval
    for _ in range(error_count - 1):
        if delay >= MAX_DELAY:
            break
        delay *= 2
    return min(delay, MAX_DELAY)
