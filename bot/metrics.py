"""Prometheus metrics and a health check, served on a local port when configured."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.dispatch import DispatchReport
from watchers.run import CycleReport

logger = logging.getLogger(__name__)

# A worker none of whose jobs finished for this long is reported unhealthy. The delivery
# job runs every few seconds, so only a stuck loop or an unreachable database gets here.
STALE_AFTER = timedelta(minutes=2)


class Metrics:
    """The counters a running bot keeps; one registry per process, never global."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.polled = self._counter("rolecall_sources_polled", "Sources polled, by outcome",
                                    ["outcome"])  # fmt: skip
        self.failing = Gauge("rolecall_sources_failing", "Sources whose last poll failed",
                             registry=self.registry)  # fmt: skip
        self.items = self._counter("rolecall_items", "New items read")
        self.mentions = self._counter("rolecall_mentions", "New items naming a watched person")
        self.events = self._counter("rolecall_events", "Events extracted from the mentions")
        self.queued = self._counter("rolecall_messages_queued", "Outbox messages queued")
        self.cycle_seconds = Histogram(
            "rolecall_cycle_seconds", "Duration of a polling cycle", registry=self.registry
        )
        self.delivered = self._counter("rolecall_messages", "Outbox messages, by delivery outcome",
                                       ["outcome"])  # fmt: skip
        self.queue_age = Gauge(
            "rolecall_outbox_oldest_pending_seconds", "Age of the oldest pending message",
            registry=self.registry,
        )  # fmt: skip
        self.started_at = datetime.now(UTC)
        self.last_cycle_at: datetime | None = None
        self.last_beat_at: datetime | None = None

    def record_cycle(self, report: CycleReport) -> None:
        for outcome, count in report.outcomes.items():
            self.polled.labels(outcome=outcome.value).inc(count)
        self.items.inc(report.items)
        self.mentions.inc(report.mentions)
        self.events.inc(report.events)
        self.queued.inc(report.queued)
        self.cycle_seconds.observe(report.duration_s)
        self.last_cycle_at = self.beat()

    def record_dispatch(self, report: DispatchReport) -> None:
        self.delivered.labels(outcome="sent").inc(report.sent)
        self.delivered.labels(outcome="retry").inc(report.retried)
        self.delivered.labels(outcome="dead").inc(report.dead)
        self.beat()

    def record_store(self, *, failing: int, queue_age: timedelta | None) -> None:
        self.failing.set(failing)
        self.queue_age.set(0 if queue_age is None else queue_age.total_seconds())
        self.beat()

    def beat(self) -> datetime:
        """A job finished: the scheduler runs and the database answers."""
        self.last_beat_at = datetime.now(UTC)
        return self.last_beat_at

    def is_healthy(self, now: datetime) -> bool:
        """Alive: some job finished lately (or the process is still starting)."""
        return now - (self.last_beat_at or self.started_at) < STALE_AFTER

    def _counter(self, name: str, documentation: str, labels: list[str] | None = None) -> Counter:
        return Counter(name, documentation, labels or [], registry=self.registry)


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
