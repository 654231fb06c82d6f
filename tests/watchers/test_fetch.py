from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from tests.fakes.feeds import FeedServer, closed_port_url
from watchers.errors import PermanentFetchError, TransientFetchError
from watchers.fetch import DEFAULT_USER_AGENT, build_client, fetch_source
from watchers.models import FetchResult, Source

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
Handler = Callable[[httpx.Request], httpx.Response]


def source(
    url: str = "https://feeds.example/rss",
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> Source:
    return Source(
        id=1, url=url, interval=timedelta(minutes=30), etag=etag, last_modified=last_modified
    )


def mock_client(handler: Handler) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


async def fetch(handler: Handler, src: Source | None = None, **options: int) -> FetchResult:
    async with mock_client(handler) as client:
        return await fetch_source(client, src or source(), **options)


def answer(status: int, headers: dict[str, str] | None = None, body: bytes = b"") -> Handler:
    return lambda _request: httpx.Response(status, headers=headers, content=body)


def test_build_client_is_configured_for_polling() -> None:
    client = build_client(timeout=7.0, user_agent="Tester/1")

    assert client.headers["User-Agent"] == "Tester/1"
    assert not client.follow_redirects
    assert not client.trust_env
    assert client.timeout == httpx.Timeout(7.0, connect=5.0)
    assert build_client().headers["User-Agent"] == DEFAULT_USER_AGENT


async def test_fetch_source_returns_body_and_cache_state() -> None:
    headers = {"ETag": '"v1"', "Last-Modified": "Mon, 06 Jan 2025 09:00:00 GMT",
               "Content-Type": "application/rss+xml; charset=utf-8"}  # fmt: skip

    result = await fetch(answer(200, headers, FEED))

    assert (result.status, result.body, result.etag) == (200, FEED, '"v1"')
    assert result.last_modified == "Mon, 06 Jan 2025 09:00:00 GMT"
    assert result.headers["content-type"] == "application/rss+xml; charset=utf-8"
    assert not result.not_modified


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param({}, {}, id="no-validators"),
        pytest.param({"etag": '"abc"'}, {"if-none-match": '"abc"'}, id="etag"),
        pytest.param({"last_modified": "Sun, 05 Jan 2025 10:00:00 GMT"},
                     {"if-modified-since": "Sun, 05 Jan 2025 10:00:00 GMT"}, id="last-modified"),
        pytest.param({"etag": '"abc"', "last_modified": "Sun, 05 Jan 2025 10:00:00 GMT"},
                     {"if-none-match": '"abc"', "if-modified-since": "Sun, 05 Jan 2025 10:00:00 GMT"},
                     id="both"),
    ],
)  # fmt: skip
async def test_fetch_source_sends_conditional_headers(
    fields: dict[str, str], expected: dict[str, str]
) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(304)

    result = await fetch(handler, source(**fields))

    sent = {
        k: seen[0].headers[k]
        for k in ("if-none-match", "if-modified-since")
        if k in seen[0].headers
    }
    assert sent == expected
    assert result.not_modified


async def test_fetch_source_304_keeps_validators_and_has_no_body() -> None:
    src = source(etag='"v1"', last_modified="Sun, 05 Jan 2025 10:00:00 GMT")

    result = await fetch(answer(304), src)

    assert result == FetchResult(status=304, headers=result.headers, etag='"v1"',
                                 last_modified="Sun, 05 Jan 2025 10:00:00 GMT")  # fmt: skip


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        pytest.param(400, PermanentFetchError, id="400"),
        pytest.param(401, PermanentFetchError, id="401"),
        pytest.param(403, PermanentFetchError, id="403"),
        pytest.param(404, PermanentFetchError, id="404"),
        pytest.param(410, PermanentFetchError, id="410"),
        pytest.param(451, PermanentFetchError, id="451"),
        pytest.param(300, PermanentFetchError, id="300-not-followed"),
        pytest.param(408, TransientFetchError, id="408"),
        pytest.param(429, TransientFetchError, id="429"),
        pytest.param(500, TransientFetchError, id="500"),
        pytest.param(502, TransientFetchError, id="502"),
        pytest.param(503, TransientFetchError, id="503"),
    ],
)
async def test_fetch_source_sorts_statuses(status: int, expected: type[Exception]) -> None:
    with pytest.raises(expected, match=f"returned {status}") as caught:
        await fetch(answer(status, body=b"oops"))

    if isinstance(caught.value, PermanentFetchError):
        assert caught.value.status == status


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"Retry-After": "120"}, timedelta(seconds=120), id="seconds"),
        pytest.param({"Retry-After": "0"}, timedelta(0), id="zero"),
        pytest.param({"Retry-After": "99999999999"}, timedelta(days=1), id="capped-at-a-day"),
        pytest.param({"Retry-After": "Mon, 06 Jan 2025 11:00:00 GMT",
                      "Date": "Mon, 06 Jan 2025 09:00:00 GMT"}, timedelta(hours=2), id="http-date"),
        pytest.param({"Retry-After": "Mon, 06 Jan 2025 08:00:00 GMT",
                      "Date": "Mon, 06 Jan 2025 09:00:00 GMT"}, timedelta(0), id="http-date-past"),
        pytest.param({"Retry-After": "Fri, 06 Jan 2090 09:00:00 GMT"}, timedelta(days=1),
                     id="far-http-date-capped"),
        pytest.param({"Retry-After": "soon"}, None, id="garbage"),
        pytest.param({"Retry-After": "-5"}, None, id="negative"),
        pytest.param({}, None, id="missing"),
    ],
)  # fmt: skip
async def test_fetch_source_reads_retry_after(
    headers: dict[str, str], expected: timedelta | None
) -> None:
    with pytest.raises(TransientFetchError) as caught:
        await fetch(answer(429, headers))

    assert caught.value.retry_after == expected


async def test_fetch_source_reads_retry_after_on_503() -> None:
    with pytest.raises(TransientFetchError) as caught:
        await fetch(answer(503, {"Retry-After": "30"}))

    assert caught.value.retry_after == timedelta(seconds=30)


@pytest.mark.parametrize(
    ("exception", "expected"),
    [
        pytest.param(httpx.ReadTimeout("slow"), TransientFetchError, id="read-timeout"),
        pytest.param(httpx.ConnectTimeout("slow"), TransientFetchError, id="connect-timeout"),
        pytest.param(httpx.PoolTimeout("busy"), TransientFetchError, id="pool-timeout"),
        pytest.param(httpx.ConnectError("refused"), TransientFetchError, id="connect-error"),
        pytest.param(httpx.ReadError("reset"), TransientFetchError, id="read-error"),
        pytest.param(httpx.RemoteProtocolError("bad"), TransientFetchError, id="protocol-error"),
        pytest.param(httpx.UnsupportedProtocol("gopher"), PermanentFetchError, id="unsupported"),
    ],
)
async def test_fetch_source_sorts_transport_errors(
    exception: Exception, expected: type[Exception]
) -> None:
    def handler(_request: httpx.Request) -> httpx.Response:
        raise exception

    with pytest.raises(expected):
        await fetch(handler)


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("gopher://feeds.example/rss", id="unknown-scheme"),
        pytest.param("https://[bad/rss", id="invalid-url"),
        pytest.param("feeds.example/rss", id="no-scheme"),
    ],
)
async def test_fetch_source_rejects_unusable_urls(url: str) -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(200)

    with pytest.raises(PermanentFetchError, match="not an http, https or file URL"):
        await fetch(handler, source(url))

    assert requests == []


def redirecting(routes: dict[str, tuple[int, str]], seen: list[str] | None = None) -> Handler:
    """Paths in ``routes`` redirect with (status, Location); any other path serves FEED."""

    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(str(request.url))
        if request.url.path in routes:
            status, location = routes[request.url.path]
            return httpx.Response(status, headers={"Location": location})
        return httpx.Response(200, content=FEED)

    return handler


def chain(hops: int) -> dict[str, tuple[int, str]]:
    """/rss -> /1 -> ... -> /hops, which serves the feed."""
    return {"/rss": (302, "/1")} | {f"/{n}": (302, f"/{n + 1}") for n in range(1, hops)}


@pytest.mark.parametrize(
    ("routes", "expected_urls"),
    [
        pytest.param({"/rss": (301, "https://feeds.example/new")},
                     ["https://feeds.example/rss", "https://feeds.example/new"], id="absolute"),
        pytest.param({"/rss": (302, "/a"), "/a": (307, "b"), "/b": (308, "/c")},
                     ["https://feeds.example/rss", "https://feeds.example/a",
                      "https://feeds.example/b", "https://feeds.example/c"], id="relative-chain"),
        pytest.param({"/rss": (303, "http://other.example/feed")},
                     ["https://feeds.example/rss", "http://other.example/feed"], id="to-plain-http"),
        pytest.param(chain(5), None, id="five-hops-allowed"),
    ],
)  # fmt: skip
async def test_fetch_source_follows_redirects(
    routes: dict[str, tuple[int, str]], expected_urls: list[str] | None
) -> None:
    seen: list[str] = []

    result = await fetch(redirecting(routes, seen))

    assert result.body == FEED
    if expected_urls is not None:
        assert seen == expected_urls


@pytest.mark.parametrize(
    ("routes", "message"),
    [
        pytest.param({"/rss": (302, "/a"), "/a": (302, "/rss")}, "redirect loop", id="loop"),
        pytest.param({"/rss": (302, "/rss")}, "redirect loop", id="self-loop"),
        pytest.param(chain(6), "more than 5 redirects", id="six-hops"),
        pytest.param({"/rss": (302, "file:///etc/hostname")}, "refused redirect", id="to-file"),
        pytest.param({"/rss": (301, "ftp://feeds.example/rss")}, "refused redirect", id="to-ftp"),
        pytest.param({"/rss": (302, "data:text/xml,<rss/>")}, "refused redirect|InvalidURL",
                     id="to-data"),
        pytest.param({"/rss": (302, "http://[broken")}, "refused redirect", id="to-invalid-url"),
        pytest.param({"/rss": (302, "")}, "without a Location", id="no-location"),
    ],
)  # fmt: skip
async def test_fetch_source_refuses_bad_redirects(
    routes: dict[str, tuple[int, str]], message: str
) -> None:
    with pytest.raises(PermanentFetchError, match=message):
        await fetch(redirecting(routes))


@pytest.mark.parametrize(
    ("size", "max_bytes", "accepted"),
    [
        pytest.param(1000, 1000, True, id="exactly-the-cap"),
        pytest.param(1001, 1000, False, id="one-byte-over"),
        pytest.param(10, 1000, True, id="small"),
    ],
)
async def test_fetch_source_caps_body(size: int, max_bytes: int, accepted: bool) -> None:
    handler = answer(200, body=b"x" * size)

    if accepted:
        assert len((await fetch(handler, max_bytes=max_bytes)).body) == size
    else:
        with pytest.raises(PermanentFetchError, match=f"larger than {max_bytes} bytes"):
            await fetch(handler, max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [
        pytest.param("gzip", gzip.compress, id="gzip"),
        pytest.param("deflate", zlib.compress, id="deflate"),
    ],
)
async def test_fetch_source_decodes_compressed_bodies(
    encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    result = await fetch(answer(200, {"Content-Encoding": encoding}, compress(FEED)))

    assert result.body == FEED
    assert "content-encoding" not in result.headers


async def test_fetch_source_stops_reading_a_gzip_bomb_early() -> None:
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)
    pieces = [bomb[i : i + 1024] for i in range(0, len(bomb), 1024)]
    sent: list[int] = []

    async def stream() -> AsyncIterator[bytes]:
        for piece in pieces:
            sent.append(len(piece))
            yield piece

    def handler(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=stream())

    with pytest.raises(PermanentFetchError, match="larger than 1000000 bytes"):
        await fetch(handler, max_bytes=1_000_000)

    assert len(sent) < len(pieces) // 10


async def test_fetch_source_sends_accept_encoding_it_can_decode() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=FEED)

    await fetch(handler)

    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


async def test_fetch_source_corrupt_gzip_is_permanent() -> None:
    with pytest.raises(PermanentFetchError, match="DecodingError"):
        await fetch(answer(200, {"Content-Encoding": "gzip"}, b"not gzip at all"))


# --- file:// sources ---------------------------------------------------------------------


async def test_fetch_source_reads_file_url(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)

    async with build_client() as client:
        result = await fetch_source(client, source(path.as_uri()))

    assert (result.status, result.body) == (200, FEED)
    assert result.last_modified is not None


async def test_fetch_source_file_unchanged_is_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(FEED)
    async with build_client() as client:
        first = await fetch_source(client, source(path.as_uri()))

        again = await fetch_source(client, source(path.as_uri(), last_modified=first.last_modified))

    assert again.not_modified


@pytest.mark.parametrize(
    ("name", "content", "max_bytes", "message"),
    [
        pytest.param("missing.xml", None, 1000, "cannot read file", id="missing"),
        pytest.param("big.xml", b"x" * 1001, 1000, "larger than 1000 bytes", id="oversized"),
        pytest.param(".", None, 1000, "cannot read file", id="directory"),
    ],
)
async def test_fetch_source_file_failures_are_permanent(
    tmp_path: Path, name: str, content: bytes | None, max_bytes: int, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    async with build_client() as client:
        with pytest.raises(PermanentFetchError, match=message):
            await fetch_source(client, source(path.resolve().as_uri()), max_bytes=max_bytes)


async def test_fetch_source_file_url_on_another_host_is_refused() -> None:
    async with build_client() as client:
        with pytest.raises(PermanentFetchError, match="another host"):
            await fetch_source(client, source("file://fileserver.example/feeds/rss.xml"))


# --- against a real local server ---------------------------------------------------------


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as running:
        yield running


async def test_fetch_source_round_trip_with_etag(server: FeedServer) -> None:
    server.set_feed("/rss", FEED)
    async with build_client() as client:
        first = await fetch_source(client, source(server.url("/rss")))

        second = await fetch_source(client, source(server.url("/rss"), etag=first.etag))

    assert (first.status, first.body) == (200, FEED)
    assert second.not_modified
    assert second.etag == first.etag
    assert server.hits("/rss") == 2


async def test_fetch_source_round_trip_with_last_modified(server: FeedServer) -> None:
    stamp = "Mon, 06 Jan 2025 09:00:00 GMT"
    server.set_feed("/rss", FEED, etag=None, last_modified=stamp)
    async with build_client() as client:
        first = await fetch_source(client, source(server.url("/rss")))

        second = await fetch_source(client, source(server.url("/rss"), last_modified=stamp))

    assert (first.status, first.etag, first.last_modified) == (200, None, stamp)
    assert second.not_modified


async def test_fetch_source_real_429_carries_retry_after(server: FeedServer) -> None:
    server.set_status("/rss", 429, headers={"Retry-After": "7"}, body=b"slow down")

    async with build_client() as client:
        with pytest.raises(TransientFetchError) as caught:
            await fetch_source(client, source(server.url("/rss")))

    assert caught.value.retry_after == timedelta(seconds=7)


async def test_fetch_source_unknown_path_is_permanent(server: FeedServer) -> None:
    async with build_client() as client:
        with pytest.raises(PermanentFetchError) as caught:
            await fetch_source(client, source(server.url("/nowhere")))

    assert caught.value.status == 404


async def test_fetch_source_follows_real_redirect(server: FeedServer) -> None:
    server.set_feed("/new", FEED)
    server.set_redirect("/old", "/new", status=301)

    async with build_client() as client:
        result = await fetch_source(client, source(server.url("/old")))

    assert result.body == FEED
    assert (server.hits("/old"), server.hits("/new")) == (1, 1)


async def test_fetch_source_connection_refused_is_transient() -> None:
    async with build_client() as client:
        with pytest.raises(TransientFetchError, match="ConnectError"):
            await fetch_source(client, source(closed_port_url()))


async def test_fetch_source_connection_reset_is_transient(server: FeedServer) -> None:
    server.set_reset("/rss")

    async with build_client() as client:
        with pytest.raises(TransientFetchError):
            await fetch_source(client, source(server.url("/rss")))


async def test_fetch_source_silent_server_is_bounded_by_client_timeout(
    server: FeedServer,
) -> None:
    server.set_hang("/rss")

    async with build_client(timeout=0.2) as client:
        with pytest.raises(TransientFetchError, match=r"timed out \(ReadTimeout\)"):
            await fetch_source(client, source(server.url("/rss")))


async def test_fetch_source_drip_is_bounded_by_deadline(server: FeedServer) -> None:
    server.set_drip("/rss", FEED, delay=0.05)

    async with build_client(timeout=5.0) as client:
        with pytest.raises(TransientFetchError) as caught:
            await fetch_source(client, source(server.url("/rss")), deadline=0.3)

    assert "before the deadline" in str(caught.value)
