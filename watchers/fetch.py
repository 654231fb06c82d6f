"""Fetch one source over HTTP (or from a local file): conditional, size-capped, deadline-bound.

Every failure leaves this module as a ``TransientFetchError`` (try again later) or a
``PermanentFetchError`` (broken until someone fixes it), sorted in ``_failure``; no
``httpx`` exception gets out. Redirects are followed here, not by the client, so that
each hop's scheme can be checked.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

from watchers.errors import FetchError, PermanentFetchError, TransientFetchError
from watchers.models import FetchResult, Source

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_DEADLINE = 30.0
DEFAULT_USER_AGENT = "RoleCall/0.1 (feed watcher)"
MAX_REDIRECTS = 5
MAX_RETRY_AFTER = timedelta(days=1)
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
_HTTP_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def build_client(
    *, timeout: float = 10.0, user_agent: str = DEFAULT_USER_AGENT
) -> httpx.AsyncClient:
    """The one HTTP client of the process: pooled connections, HTTP/1.1, no proxies from the
    environment, and no automatic redirects (``fetch_source`` follows them itself)."""
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=32)
    return httpx.AsyncClient(
        transport=_AiohttpTransport(limits=limits, trust_env=False),
        timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
        headers={"User-Agent": user_agent, "Accept": ACCEPT},
        follow_redirects=False,
        trust_env=False,
    )


class _AiohttpTransport(AiohttpTransport):
    """httpx's interface over aiohttp's connection handling, which costs a fraction of the
    CPU per request; aiohttp errors the adapter does not map become httpx errors here."""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.ConnectTimeout as exc:
            # The adapter calls every aiohttp connection error a ConnectTimeout.
            cause = exc.__cause__
            if isinstance(cause, aiohttp.ClientConnectorError):
                raise httpx.ConnectError(str(exc), request=request) from cause
            if isinstance(cause, aiohttp.ClientConnectionError) and not isinstance(
                cause, TimeoutError
            ):
                raise httpx.ReadError(str(exc), request=request) from cause
            raise
        except aiohttp.ClientError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc


async def fetch_source(
    client: httpx.AsyncClient,
    source: Source,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    deadline: float = DEFAULT_DEADLINE,
) -> FetchResult:
    """GET the source's URL with its cache validators and return what came back.

    304 comes back as ``FetchResult(status=304)``. The decoded body may hold at most
    ``max_bytes``; the whole fetch, redirects and body included, must end within
    ``deadline`` seconds. ``file://`` is allowed as the source's own URL only.
    """
    scheme = _scheme(source.url)
    if scheme == "file":
        return await asyncio.to_thread(_read_file, source, max_bytes)
    if scheme not in _HTTP_SCHEMES:
        raise PermanentFetchError(source.url, "not an http, https or file URL")
    try:
        async with asyncio.timeout(deadline):
            return await _follow(client, source, max_bytes)
    except (TimeoutError, httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _failure(source.url, exc) from exc


async def _follow(client: httpx.AsyncClient, source: Source, max_bytes: int) -> FetchResult:
    url, seen = source.url, {source.url}
    headers = _request_headers(source)
    for _ in range(MAX_REDIRECTS + 1):
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code not in _REDIRECTS:
                return await _result(source, response, max_bytes)
            url = _redirect_target(source.url, url, response)
        if url in seen:
            raise PermanentFetchError(source.url, f"redirect loop at {url!r}")
        seen.add(url)
    raise PermanentFetchError(source.url, f"more than {MAX_REDIRECTS} redirects")


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme
    except ValueError:
        return ""


def _request_headers(source: Source) -> dict[str, str]:
    headers = {"Accept-Encoding": "gzip, deflate"}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    return headers


def _redirect_target(source_url: str, url: str, response: httpx.Response) -> str:
    location = str(response.headers.get("location", "")).strip()
    if not location:
        raise PermanentFetchError(
            source_url, f"{response.status_code} without a Location", status=response.status_code
        )
    try:
        target = urljoin(url, location)
    except ValueError:
        target = location
    if _scheme(target) not in _HTTP_SCHEMES:
        raise PermanentFetchError(source_url, f"refused redirect to {target!r}")
    logger.debug("Feed %r redirects to %r", source_url, target)
    return target


async def _result(source: Source, response: httpx.Response, max_bytes: int) -> FetchResult:
    status = response.status_code
    if status != 304 and not 200 <= status < 300:
        raise _failure(source.url, response)
    body = b"" if status == 304 else await _capped_body(source.url, response, max_bytes)
    return FetchResult(
        status=status,
        body=body,
        headers={k: v for k, v in response.headers.items() if k not in _WIRE_HEADERS},
        etag=response.headers.get("etag", source.etag if status == 304 else None),
        last_modified=response.headers.get(
            "last-modified", source.last_modified if status == 304 else None
        ),
    )


async def _capped_body(url: str, response: httpx.Response, max_bytes: int) -> bytes:
    """The decoded body, given up as soon as it grows past ``max_bytes`` (gzip bombs too)."""
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            raise PermanentFetchError(url, f"body larger than {max_bytes} bytes")
    return bytes(body)


def _failure(url: str, problem: httpx.Response | BaseException) -> FetchError:
    """Sort every way a fetch can fail into transient (retry later) or permanent."""
    if isinstance(problem, httpx.Response):
        status = problem.status_code
        if status >= 500 or status in _TRANSIENT_STATUSES:
            retry_after = _retry_after(problem.headers)
            return TransientFetchError(url, f"returned {status}", retry_after=retry_after)
        return PermanentFetchError(url, f"returned {status}", status=status)
    if isinstance(problem, TimeoutError):
        return TransientFetchError(url, "did not finish before the deadline")
    if isinstance(problem, httpx.TimeoutException):
        return TransientFetchError(url, f"timed out ({type(problem).__name__})")
    if isinstance(problem, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.DecodingError):
        return PermanentFetchError(url, f"{type(problem).__name__}: {problem}")
    return TransientFetchError(url, f"{type(problem).__name__}: {problem}")


def _retry_after(headers: httpx.Headers) -> timedelta | None:
    """Retry-After as seconds or an HTTP-date, clamped to ``[0, MAX_RETRY_AFTER]``."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit():
        delay = timedelta(seconds=int(value[:7]))
    else:
        moment = _http_date(value)
        if moment is None:
            return None
        delay = moment - (_http_date(headers.get("date", "")) or datetime.now(UTC))
    return min(max(delay, timedelta(0)), MAX_RETRY_AFTER)


def _http_date(value: str) -> datetime | None:
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _read_file(source: Source, max_bytes: int) -> FetchResult:
    """A ``file://`` source, read with the same size cap; its mtime serves as Last-Modified."""
    parts = urlsplit(source.url)
    if parts.netloc not in ("", "localhost"):
        raise PermanentFetchError(source.url, "file URL names another host")
    path = Path(url2pathname(parts.path))
    try:
        modified = email.utils.formatdate(path.stat().st_mtime, usegmt=True)
        if modified == source.last_modified:
            return FetchResult(status=304, last_modified=modified)
        with path.open("rb") as file:
            body = file.read(max_bytes + 1)
    except OSError as exc:
        raise PermanentFetchError(source.url, f"cannot read file: {exc.strerror}") from exc
    if len(body) > max_bytes:
        raise PermanentFetchError(source.url, f"body larger than {max_bytes} bytes")
    return FetchResult(status=200, body=body, last_modified=modified)
