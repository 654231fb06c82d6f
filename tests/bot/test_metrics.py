"""The metrics registry and the health check: counters from reports, liveness from jobs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.dispatch import DispatchReport
from bot.metrics import STALE_AFTER, Metrics, serve_metrics
from watchers.models import SourceOutcome
from watchers.run import CycleReport


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_record_cycle_counts_sources_items_mentions_events_and_messages() -> None:
    metrics = Metrics()
    report = CycleReport(
        outcomes={SourceOutcome.no_changes: 3, SourceOutcome.failed: 1},
        items=40, mentions=2, events=1, queued=2, duration_s=1.5,
    )  # fmt: skip

    metrics.record_cycle(report)

    assert _value(metrics, "rolecall_sources_polled_total", outcome="no_changes") == 3
    assert _value(metrics, "rolecall_sources_polled_total", outcome="failed") == 1
    assert _value(metrics, "rolecall_items_total") == 40
    assert _value(metrics, "rolecall_mentions_total") == 2
    assert _value(metrics, "rolecall_events_total") == 1
    assert _value(metrics, "rolecall_messages_queued_total") == 2
    assert _value(metrics, "rolecall_cycle_seconds_count") == 1


def test_record_dispatch_and_store_set_delivery_counters_and_gauges() -> None:
    metrics = Metrics()

    metrics.record_dispatch(DispatchReport(claimed=4, sent=2, retried=1, dead=1))
    metrics.record_store(failing=3, queue_age=timedelta(seconds=90))

    assert _value(metrics, "rolecall_messages_total", outcome="sent") == 2
    assert _value(metrics, "rolecall_messages_total", outcome="dead") == 1
    assert _value(metrics, "rolecall_sources_failing") == 3
    assert _value(metrics, "rolecall_outbox_oldest_pending_seconds") == 90


@pytest.mark.parametrize(
    ("beat_ago", "healthy"),
    [
        pytest.param(None, True, id="starting"),
        pytest.param(timedelta(seconds=5), True, id="recent-job"),
        pytest.param(STALE_AFTER + timedelta(seconds=1), False, id="stuck"),
    ],
)
def test_is_healthy_follows_the_last_finished_job(
    beat_ago: timedelta | None, healthy: bool
) -> None:
    metrics = Metrics()
    now = datetime.now(UTC)
    metrics.started_at = now - timedelta(seconds=10)
    if beat_ago is not None:
        metrics.last_beat_at = now - beat_ago

    assert metrics.is_healthy(now) is healthy


async def test_serve_metrics_answers_metrics_and_a_failing_health_check() -> None:
    metrics = Metrics()
    metrics.last_beat_at = datetime.now(UTC) - STALE_AFTER * 2
    server = await serve_metrics(metrics, port=0)
    port = server.sockets[0].getsockname()[1]
    try:
        health = await _get(port, "/healthz")
        exposition = await _get(port, "/metrics")
    finally:
        server.close()
        await server.wait_closed()

    assert health.startswith(b"HTTP/1.1 503")
    assert b"rolecall_sources_polled" in exposition


async def _get(port: int, path: str) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return answer
