"""A feed server on 127.0.0.1 for tests: serves feeds with ETags and plays scripted faults.

::

    async with FeedServer() as server:
        server.set_feed("/rss", body)                  # 200 with an ETag; 304 on If-None-Match
        server.set_status("/gone", 410)                # any status, headers and body
        server.set_status("/busy", 429, headers={"Retry-After": "120"})
        server.set_redirect("/old", "/rss")            # 302 (or ``status=``) to a location
        server.set_hang("/stuck")                      # accepts, never answers
        server.set_drip("/slow", body, delay=1.0)      # one byte per ``delay`` seconds
        server.set_reset("/reset")                     # drops the connection with a TCP reset
        url = server.url("/rss")
        ...
        assert server.hits("/rss") == 1                # requests seen per path

Each ``set_*`` replaces whatever the path served before; unknown paths answer 404.
``closed_port_url()`` gives a URL on which nothing listens (connection refused).
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import struct
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from types import TracebackType
from typing import Self

from aiohttp import web

Script = Callable[[web.Request], Awaitable[web.StreamResponse]]

RSS_CONTENT_TYPE = "application/rss+xml; charset=utf-8"


class FeedServer:
    """An aiohttp server on 127.0.0.1 and a random port; see the module docstring."""

    def __init__(self) -> None:
        self._scripts: dict[str, Script] = {}
        self._hits: Counter[str] = Counter()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._port = 0

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _exc: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._port}{path}"

    def hits(self, path: str) -> int:
        return self._hits[path]

    def set_feed(
        self,
        path: str,
        body: bytes,
        *,
        etag: str | None = "auto",
        last_modified: str | None = None,
        content_type: str = RSS_CONTENT_TYPE,
    ) -> None:
        """Serve ``body``; ``etag="auto"`` derives one from the body, ``None`` sends none.

        A request whose If-None-Match equals the ETag, or whose If-Modified-Since equals
        ``last_modified``, gets 304 without a body.
        """
        if etag == "auto":
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        headers = {"Content-Type": content_type}
        headers |= {"ETag": etag} if etag else {}
        headers |= {"Last-Modified": last_modified} if last_modified else {}

        async def feed(request: web.Request) -> web.StreamResponse:
            if _is_fresh(request, etag, last_modified):
                return web.Response(
                    status=304, headers={k: v for k, v in headers.items() if k != "Content-Type"}
                )
            return web.Response(body=body, headers=headers)

        self._scripts[path] = feed

    def set_status(
        self, path: str, status: int, *, headers: Mapping[str, str] | None = None, body: bytes = b""
    ) -> None:
        async def answer(_request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers=dict(headers or {}), body=body)

        self._scripts[path] = answer

    def set_redirect(self, path: str, location: str, *, status: int = 302) -> None:
        self.set_status(path, status, headers={"Location": location})

    def set_hang(self, path: str) -> None:
        async def hang(_request: web.Request) -> web.StreamResponse:
            await self._closing.wait()
            return web.Response(status=503)

        self._scripts[path] = hang

    def set_drip(self, path: str, body: bytes, *, delay: float = 1.0) -> None:
        async def drip(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": RSS_CONTENT_TYPE})
            response.content_length = len(body)
            await response.prepare(request)
            for byte in body:
                await response.write(bytes([byte]))
                if await self._closed_within(delay):
                    break
            return response

        self._scripts[path] = drip

    def set_reset(self, path: str) -> None:
        async def reset(request: web.Request) -> web.StreamResponse:
            transport = request.transport
            sock = transport.get_extra_info("socket") if transport else None
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            if transport is not None:
                transport.abort()
            raise asyncio.CancelledError

        self._scripts[path] = reset

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self._hits[request.path] += 1
        script = self._scripts.get(request.path)
        if script is None:
            return web.Response(status=404, text="no such feed")
        return await script(request)

    async def _closed_within(self, delay: float) -> bool:
        try:
            await asyncio.wait_for(self._closing.wait(), timeout=delay)
        except TimeoutError:
            return False
        return True


def closed_port_url(path: str = "/rss") -> str:
    """A URL on 127.0.0.1 at a port that was free a moment ago, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def _is_fresh(request: web.Request, etag: str | None, last_modified: str | None) -> bool:
    if etag and request.headers.get("If-None-Match") == etag:
        return True
    return bool(last_modified) and request.headers.get("If-Modified-Since") == last_modified
