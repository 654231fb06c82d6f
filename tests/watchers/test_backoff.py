from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchers.backoff import next_check_at

NOW = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("interval", "error_count", "retry_after", "jitter", "expected_delay"),
    [
        pytest.param(HOUR, 0, None, 0.0, HOUR, id="success-no-jitter"),
        pytest.param(HOUR, 0, None, 0.5, timedelta(minutes=63), id="success-half-jitter"),
        pytest.param(HOUR, 0, None, 0.999, HOUR * 1.0999, id="success-jitter-under-ten-percent"),
        pytest.param(HOUR, 0, 3 * HOUR, 0.0, HOUR, id="success-ignores-retry-after"),
        pytest.param(HOUR, 1, None, 0.0, HOUR, id="first-failure-waits-interval"),
        pytest.param(HOUR, 2, None, 0.0, 2 * HOUR, id="second-failure-doubles"),
        pytest.param(HOUR, 4, None, 0.0, 8 * HOUR, id="fourth-failure"),
        pytest.param(HOUR, 6, None, 0.0, 24 * HOUR, id="capped-at-a-day"),
        pytest.param(HOUR, 10_000, None, 0.0, 24 * HOUR, id="huge-count-no-overflow"),
        pytest.param(timedelta(days=2), 1, None, 0.0, 24 * HOUR, id="long-interval-capped"),
        pytest.param(HOUR, 1, 5 * HOUR, 0.0, 5 * HOUR, id="retry-after-later-wins"),
        pytest.param(HOUR, 3, 30 * timedelta(minutes=1), 0.0, 4 * HOUR, id="backoff-later-wins"),
        pytest.param(HOUR, 8, 30 * HOUR, 0.0, 30 * HOUR, id="never-before-retry-after"),
        pytest.param(HOUR, 2, None, 0.7, 2 * HOUR, id="failure-has-no-jitter"),
    ],
)
def test_next_check_at(
    interval: timedelta,
    error_count: int,
    retry_after: timedelta | None,
    jitter: float,
    expected_delay: timedelta,
) -> None:
    at = next_check_at(
        NOW, interval=interval, error_count=error_count, retry_after=retry_after, jitter=jitter
    )

    assert at - NOW == expected_delay


@pytest.mark.parametrize("jitter", [pytest.param(-0.1, id="negative"), pytest.param(1.0, id="one")])
def test_next_check_at_rejects_jitter_outside_unit_interval(jitter: float) -> None:
    with pytest.raises(ValueError, match="jitter"):
        next_check_at(NOW, interval=HOUR, error_count=0, jitter=jitter)
