from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from watchers.errors import FeedParseError
from watchers.models import FeedItem
from watchers.parse import MAX_SUMMARY_CHARS, MAX_TITLE_CHARS, parse_feed

FEEDS = Path(__file__).parent.parent / "fixtures" / "feeds"
FEED_URL = "https://news.example/feed/rss"
XML = {"content-type": "application/xml"}


def parse(body: bytes, headers: dict[str, str] | None = None) -> list[FeedItem]:
    return parse_feed(body, url=FEED_URL, headers=XML if headers is None else headers, source_id=7)


def rss(*items: str) -> bytes:
    inner = "".join(f"<item>{item}</item>" for item in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{inner}</channel></rss>'.encode()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("fixture", "content_type", "expected"),
    [
        pytest.param(
            "rss2_basic.xml", "application/rss+xml",
            [
                ("https://news.example/2025/01/quenby-corvid",
                 "Marisol Quenby joins Corvid Labs as CFO", datetime(2025, 1, 6, 9, tzinfo=UTC)),
                ("https://news.example/2025/01/brandt",
                 "Theo Brandvik steps down", datetime(2025, 1, 5, 8, 30, tzinfo=UTC)),
                ("", "陈嘉欣出任星河科技总裁", None),
            ],
            id="rss2",
        ),
        pytest.param(
            "atom_basic.xml", "application/atom+xml",
            [
                ("https://atom.example/news/varga-lind-ceo",
                 "Zoë Varga-Lind named CEO of Pellucid", datetime(2025, 1, 6, 7, 15, tzinfo=UTC)),
                ("https://atom.example/news/undated", "No date here", None),
            ],
            id="atom",
        ),
        pytest.param(
            "malformed_bozo.xml", "application/xml",
            [
                ("https://gazette.example/strauss", "Greta Strauß joins Vintner Group", None),
                ("https://gazette.example/second", "Second item survives", None),
            ],
            id="bozo-with-entries-kept",
        ),
        pytest.param("empty.xml", "application/rss+xml", [], id="valid-empty-feed"),
        pytest.param(
            "big5.xml", "application/xml",
            [("https://hk.example/news/1", "鍾麗華加盟雲帆資本擔任董事", None)],
            id="big5-declared-in-xml",
        ),
        pytest.param(
            "gb2312_header_charset.xml", "application/rss+xml; charset=gb2312",
            [("https://sh.example/news/7", "陈国栋离开星河科技", None)],
            id="gb2312-declared-in-header",
        ),
        pytest.param(
            "windows1251.xml", "text/xml",
            [("https://ru.example/news/sokolova", "Ирина Соколова возглавила «Северный путь»", None)],
            id="windows1251",
        ),
    ],
)  # fmt: skip
def test_parse_feed_reads_recorded_feeds(
    fixture: str, content_type: str, expected: list[tuple[str, str, datetime | None]]
) -> None:
    items = parse((FEEDS / fixture).read_bytes(), {"Content-Type": content_type})

    assert [(i.url, i.title, i.published_at) for i in items] == expected
    assert all(i.source_id == 7 for i in items)
    assert len({i.key for i in items}) == len(items)


def test_parse_feed_summary_is_longest_plain_text_body() -> None:
    first = parse((FEEDS / "rss2_basic.xml").read_bytes())[0]

    assert first.summary == (
        "Corvid Labs said on Monday that Marisol Quenby will join as chief financial officer. "
        "She was previously at Tessel & Pike."
    )


@pytest.mark.parametrize(
    ("fixture", "content_type"),
    [
        pytest.param("html_page.html", "text/html; charset=utf-8", id="html-page"),
        pytest.param("html_page.html", "application/xml", id="html-page-claiming-xml"),
    ],
)
def test_parse_feed_rejects_html_page(fixture: str, content_type: str) -> None:
    with pytest.raises(FeedParseError, match="could not be parsed"):
        parse((FEEDS / fixture).read_bytes(), {"Content-Type": content_type})


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"", id="empty-body"),
        pytest.param(b"\x00\xff\xfe not xml", id="binary"),
        pytest.param(b"<rss version='2.0'><channel><item><title>cut", id="truncated-no-entry"),
        pytest.param(b"<note><to>someone</to></note>", id="other-xml"),
        pytest.param(b'{"items": []}', id="json"),
    ],
)
def test_parse_feed_rejects_non_feeds(body: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse(body)


@pytest.mark.parametrize(
    ("item", "expected_key"),
    [
        pytest.param("<guid>abc-1</guid><link>https://x.example/1</link>", sha("guid:abc-1"),
                     id="guid-first"),
        pytest.param("<link>https://x.example/1</link><title>T</title>",
                     sha("link:https://x.example/1"), id="link-without-guid"),
        pytest.param("<title>T</title><description>S</description>", sha("text:T\nS"),
                     id="text-without-guid-or-link"),
        pytest.param("<guid>https://x.example/1</guid>", sha("guid:https://x.example/1"),
                     id="guid-never-collides-with-link"),
    ],
)  # fmt: skip
def test_parse_feed_item_key(item: str, expected_key: str) -> None:
    assert [i.key for i in parse(rss(item))] == [expected_key]


def test_parse_feed_item_key_ignores_where_the_feed_lives() -> None:
    body = rss("<guid>abc-1</guid><title>t</title>")
    moved = {"Content-Type": "application/xml", "Content-Location": "https://mirror.example/x/"}

    keys = {
        parse_feed(body, url=url, headers=headers, source_id=1)[0].key
        for url in (FEED_URL, "https://mirror.example/feed")
        for headers in (XML, moved)
    }

    assert keys == {sha("guid:abc-1")}


@pytest.mark.parametrize(
    ("item", "expected_title", "expected_summary"),
    [
        pytest.param("<title>A &amp;amp; B</title>", "A & B", "", id="double-escaped-title"),
        pytest.param("<title>  lots \n\t of   space </title>", "lots of space", "",
                     id="whitespace-collapsed"),
        pytest.param("<title>Quen\u00adby\u200b</title>", "Quenby", "", id="format-chars-dropped"),
        pytest.param("<title>bell&#7;</title>", "bell", "", id="control-char-dropped"),
        pytest.param("<title>t</title><description>&lt;script&gt;x()&lt;/script&gt;"
                     "&lt;p&gt;kept&lt;/p&gt;&lt;style&gt;p{}&lt;/style&gt;</description>",
                     "t", "kept", id="script-and-style-dropped"),
        pytest.param("<title>t</title><description>&lt;p&gt;one&lt;/p&gt;&lt;p&gt;two&lt;/p&gt;"
                     "&lt;br/&gt;three</description>", "t", "one two three",
                     id="blocks-become-spaces"),
        pytest.param("<title>t</title><description>&lt;b&gt;Ma&lt;/b&gt;risol</description>",
                     "t", "Marisol", id="inline-tags-join"),
    ],
)  # fmt: skip
def test_parse_feed_plain_text(item: str, expected_title: str, expected_summary: str) -> None:
    [parsed] = parse(rss(item))

    assert (parsed.title, parsed.summary) == (expected_title, expected_summary)


@pytest.mark.parametrize(
    ("link", "expected_url"),
    [
        pytest.param("https://x.example/a", "https://x.example/a", id="absolute"),
        pytest.param("/b/c", "https://news.example/b/c", id="root-relative"),
        pytest.param("d", "https://news.example/feed/d", id="relative"),
        pytest.param("javascript:alert(1)", "", id="script-link-dropped"),
        pytest.param("ftp://x.example/f", "", id="ftp-link-dropped"),
        pytest.param("http://[broken", "", id="invalid-link-dropped"),
    ],
)
def test_parse_feed_item_url(link: str, expected_url: str) -> None:
    [parsed] = parse(rss(f"<title>t</title><link>{link}</link>"))

    assert parsed.url == expected_url


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        pytest.param("<pubDate>Mon, 06 Jan 2025 09:00:00 -0500</pubDate>",
                     datetime(2025, 1, 6, 14, tzinfo=UTC), id="rfc822-offset"),
        pytest.param("<pubDate>not a date</pubDate>", None, id="unparseable"),
        pytest.param("", None, id="missing"),
    ],
)  # fmt: skip
def test_parse_feed_published_at(date: str, expected: datetime | None) -> None:
    [parsed] = parse(rss(f"<title>t</title>{date}"))

    assert parsed.published_at == expected


def test_parse_feed_caps_lengths() -> None:
    long_title = "T" * (MAX_TITLE_CHARS + 50)
    long_body = "word " * (MAX_SUMMARY_CHARS // 4)

    [parsed] = parse(rss(f"<title>{long_title}</title><description>{long_body}</description>"))

    assert len(parsed.title) == MAX_TITLE_CHARS
    assert len(parsed.summary) == MAX_SUMMARY_CHARS


def test_parse_feed_skips_empty_entries() -> None:
    items = parse(rss("<title>kept</title>", "<category>nothing else</category>"))

    assert [i.title for i in items] == ["kept"]


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>t</title>
<item><title>bomb</title><description>&lol9;</description></item>
</channel></rss>
"""


def test_parse_feed_does_not_expand_entity_bombs() -> None:
    items = parse_feed(BILLION_LAUGHS, url=FEED_URL, headers=XML, source_id=7)

    assert all("lollol" not in i.summary for i in items)
    assert sum(len(i.summary) for i in items) < 100


def test_parse_feed_does_not_read_external_entities(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    body = (
        '<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        '<rss version="2.0"><channel><title>t</title>'
        "<item><title>leak &xxe;</title><description>&xxe;</description></item>"
        "</channel></rss>"
    ).encode()

    try:
        items = parse_feed(body, url=FEED_URL, headers=XML, source_id=7)
    except FeedParseError:
        items = []

    assert all("TOP-SECRET" not in i.title + i.summary for i in items)


@settings(max_examples=300, deadline=None)
@given(body=st.one_of(st.binary(max_size=2_000), st.text(max_size=500).map(str.encode)))
def test_parse_feed_returns_items_or_raises_feed_parse_error(body: bytes) -> None:
    try:
        result = parse_feed(body, url=FEED_URL, headers=XML, source_id=7)
    except FeedParseError:
        return
    assert isinstance(result, list)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from([*"<>&;/\"'=! abc", "<item>", "</item>", "<title>", "]]>", "<![CDATA["]),
        max_size=40,
    )
)
def test_parse_feed_survives_feed_like_garbage(parts: list[str]) -> None:
    body = ('<?xml version="1.0"?><rss version="2.0"><channel>' + "".join(parts)).encode()

    try:
        result = parse_feed(body, url=FEED_URL, headers=XML, source_id=7)
    except FeedParseError:
        return
    assert all(item.key for item in result)
