"""Prometheus metrics and a health check, served on a local port when configured."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.dispatch import DispatchReport
from watchers.run import CycleReport

logger = logging.getLogger(__name__)

# A worker whose last cycle is older than this is reported unhealthy.
STALE_AFTER = timedelta(minutes=30)


class Metrics:
    """The counters a running bot keeps; one registry per process, never global."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polled = Counter(
            "rolecall_sources_polled", "Sources polled, by outcome", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.cycle_seconds = Histogram(
            "rolecall_cycle_seconds", "Duration of a polling cycle", registry=self.registry
        )
        self.delivered = Counter(
            "rolecall_messages", "Outbox messages, by delivery outcome", ["outcome"],
            registry=self.registry,
        )  # fmt: skip
        self.queue_age = Gauge(
            "rolecall_outbox_oldest_pending_seconds", "Age of the oldest pending message",
            registry=self.registry,
        )  # fmt: skip
        self.last_cycle_at: datetime | None = None

    def record_cycle(self, report: CycleReport) -> None:
        for outcome, count in report.outcomes.items():
            self.polled.labels(outcome=outcome.value).inc(count)
        self.cycle_seconds.observe(report.duration_s)
        self.last_cycle_at = datetime.now(UTC)

    def record_dispatch(self, report: DispatchReport) -> None:
        self.delivered.labels(outcome="sent").inc(report.sent)
        self.delivered.labels(outcome="retry").inc(report.retried)
        self.delivered.labels(outcome="dead").inc(report.dead)

    def is_healthy(self, now: datetime) -> bool:
        return self.last_cycle_at is None or now - self.last_cycle_at < STALE_AFTER


async def serve_metrics(metrics: Metrics, *, port: int, host: str = "127.0.0.1") -> asyncio.Server:
    """``/metrics`` in Prometheus text format and ``/healthz`` (200 or 503)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), timeout=5)
            status, body = _respond(metrics, request)
            writer.write(_http_response(status, body))
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    return await asyncio.start_server(handle, host, port)


def _respond(metrics: Metrics, request_line: bytes) -> tuple[str, bytes]:
    parts = request_line.decode("latin-1").split()
    path = parts[1] if len(parts) > 1 else "/"
    if path == "/metrics":
        return "200 OK", generate_latest(metrics.registry)
    if path == "/healthz":
        healthy = metrics.is_healthy(datetime.now(UTC))
        return ("200 OK", b"ok\n") if healthy else ("503 Service Unavailable", b"stale\n")
    return "404 Not Found", b"not found\n"


def _http_response(status: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
