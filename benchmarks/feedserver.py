"""A fast local HTTP server for the generated feeds, meant to run in its own process.

    python -m benchmarks.feedserver --n 2000 --m 10000 --port-file PORT [--config CONFIG]

It builds the corpus first (``benchmarks.corpus``), then listens on 127.0.0.1 on a free
port and writes that port to ``--port-file`` (atomically, once listening). With
``--config`` it also writes a RoleCall config whose sources are the served feeds. It
answers ``GET``/``HEAD /feeds/NNNNN.xml`` with the bytes and a strong ETag, ``304`` when
``If-None-Match`` carries that ETag, and ``404`` otherwise. On SIGINT or SIGTERM it
prints a JSON line of request counts to stdout and exits.

HTTP/1.1 with keep-alive is served by a small ``asyncio.Protocol``: the requests are
tiny and the bodies prebuilt, so a full framework would only add latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.corpus import DEFAULT_SEED, etag_of, make_feeds, make_people, write_config

HOST = "127.0.0.1"
_REASONS = {200: b"OK", 304: b"Not Modified", 400: b"Bad Request", 404: b"Not Found"}
_MAX_HEAD = 16 * 1024


class FeedStore:
    """The served documents: path -> (body, etag), plus the request counters."""

    def __init__(self, feeds: dict[str, bytes]) -> None:
        self.documents = {path: (body, etag_of(body)) for path, body in feeds.items()}
        self.counts: Counter[str] = Counter()
        self.bytes_sent = 0

    def respond(self, method: str, path: str, if_none_match: str | None) -> bytes:
        """The whole response (head and body) for one request."""
        document = self.documents.get(path.split("?", 1)[0])
        if document is None:
            return self._record(404, b"not found\n", None, method)
        body, etag = document
        if if_none_match is not None and _etag_matches(if_none_match, etag):
            return self._record(304, b"", etag, method)
        return self._record(200, body, etag, method)

    def summary(self) -> dict[str, int]:
        return {"requests": sum(self.counts.values()), **self.counts, "bytes": self.bytes_sent}

    def _record(self, status: int, body: bytes, etag: str | None, method: str) -> bytes:
        self.counts[str(status)] += 1
        head = [b"HTTP/1.1 %d %s" % (status, _REASONS[status])]
        if etag is not None:
            head.append(b"ETag: " + etag.encode())
        if status == 200:
            head.append(b"Content-Type: application/xml; charset=utf-8")
        if status != 304:
            head.append(b"Content-Length: %d" % len(body))
        payload = body if method == "GET" and status != 304 else b""
        self.bytes_sent += len(payload)
        return b"\r\n".join(head) + b"\r\n\r\n" + payload


class FeedProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive, one request at a time per connection (no pipelining needed)."""

    def __init__(self, store: FeedStore) -> None:
        self.store = store
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self.transport is not None and b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            self._answer(head)
        if len(self.buffer) > _MAX_HEAD and self.transport is not None:
            self.transport.close()

    def _answer(self, head: bytes) -> None:
        assert self.transport is not None
        lines = head.decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        headers = dict(_header(line) for line in lines[1:] if ":" in line)
        if len(parts) != 3 or parts[0] not in {"GET", "HEAD"}:
            self.store.counts["400"] += 1
            self.transport.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            self.transport.close()
            return
        self.transport.write(self.store.respond(parts[0], parts[1], headers.get("if-none-match")))
        if headers.get("connection", "").lower() == "close" or parts[2] == "HTTP/1.0":
            self.transport.close()
            self.transport = None


def _header(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip().lower(), value.strip()


def _etag_matches(if_none_match: str, etag: str) -> bool:
    candidates = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in candidates or etag in candidates


async def serve(store: FeedStore, *, port: int = 0) -> asyncio.Server:
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: FeedProtocol(store), HOST, port, backlog=4096)


async def _main(args: argparse.Namespace) -> None:
    started = time.monotonic()
    people = make_people(args.m, seed=args.seed)
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    feeds = make_feeds(
        args.n,
        people,
        items_per_feed=args.items_per_feed,
        mention_rate=args.mention_rate,
        move_rate=args.move_rate,
        seed=args.seed,
        now=now,
    )
    store = FeedStore(feeds)
    server = await serve(store, port=args.port)
    port = server.sockets[0].getsockname()[1]
    base_url = f"http://{HOST}:{port}"
    if args.config:
        write_config(
            args.config, base_url=base_url, people=people, paths=list(feeds),
            database=args.database,
        )  # fmt: skip
    if args.port_file:
        _write_atomically(args.port_file, f"{port}\n")
    ready = time.monotonic() - started
    total = sum(map(len, feeds.values()))
    print(f"serving {len(feeds)} feeds ({total} bytes) on {base_url} after {ready:.1f}s",
          file=sys.stderr, flush=True)  # fmt: skip
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    await stop.wait()
    server.close()
    print(json.dumps(store.summary()), flush=True)


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.feedserver", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--n", type=int, default=2000, help="number of feeds")
    parser.add_argument("--m", type=int, default=10000, help="number of watched people")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--items-per-feed", type=int, default=20)
    parser.add_argument("--mention-rate", type=float, default=0.03)
    parser.add_argument("--move-rate", type=float, default=0.3)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--port-file", type=Path, help="where to write the port once listening")
    parser.add_argument("--config", type=Path, help="also write a RoleCall config here")
    parser.add_argument("--database", default="sqlite:///bench.db", help="database URL for it")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_main(_arguments(argv)))


if __name__ == "__main__":
    main()
