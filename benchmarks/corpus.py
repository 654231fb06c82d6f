"""A deterministic corpus for the scale benchmark: invented people, feeds and a config.

Everything is drawn from seeded random generators, so the same arguments always give the
same people and the same bytes. Each feed has its own generator (seeded from the corpus
seed and the feed's index), so one feed can be rebuilt without building the others.

Feeds come in three kinds, like the news RoleCall reads: English RSS 2.0, simplified
Chinese Atom and traditional Chinese RSS 2.0. Items are 300-2,000 characters of template
sentences; ``mention_rate`` of them name one or two watched people, and ``move_rate`` of
those describe a move (joined, left, founded, promoted) consistent with the known roles.
Every person, company and place is invented.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import yaml

from watchers.text import fold, has_cjk, to_traditional

DEFAULT_SEED = 20250306
# Items are dated in the week before this moment unless the caller passes ``now``.
DEFAULT_NOW = datetime(2025, 3, 6, 12, 0, tzinfo=UTC)
MIN_CHARS = 300
MAX_CHARS = 2000
# Shares of feed kinds: English RSS, simplified Atom, traditional RSS.
FEED_KINDS = (("en", 0.5), ("zh-hans", 0.3), ("zh-hant", 0.2))

Person = dict[str, Any]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# --- invented names ------------------------------------------------------------------------

_FIRST = _words(
    "Alda Bastian Corin Delphine Emrys Fenna Galen Hester Ines Joren Kasperin Lioba Marek "
    "Nerys Ottavar Perpetua Quenbyl Rosamund Silas Tamsin Ulric Verity Wendeline Yorick "
    "Zelda Anselm Briony Cassius Dagny Eamon Freya Gideon Halvard Isolde Jasper Kaia "
    "Leopold Mirren Niall Odile Piers Romilly Soren Thea Ursula Vidar Wilhelmina Xanthe"
)
_SURNAME_HEAD = _words(
    "Brand Hal Quill Marr Tess Vor Ash Fen Kel Dor Lind Rav Stor Wyn Cald Thorn Ost Pell "
    "Gair Hob Iver Jarn Lock Mauld Nesh Orm Penn Rusk Selb Tarr Umber Vask Wend Yarl Zell"
)
_SURNAME_MID = ("", "", "a", "e", "o", "er", "en", "is", "an", "el")
_SURNAME_TAIL = _words(
    "vold ridge wick holm stead mere by gard ton worth lund feld croft dahl bury ley "
    "thwaite hurst garth stow"
)
_ZH_SURNAMES = _words(
    "卫 郑 苏 冯 韩 陈 刘 张 赵 吴 许 邓 萧 钟 谭 陆 龚 顾 严 钱 贺 韦 卢 罗 叶 蒋 沈 杨 "
    "欧阳 司马 上官 诸葛 东方 尉迟 令狐 慕容"
)
_ZH_GIVEN = _words(
    "澜 砚 晓 岚 婉 宁 锦 铭 瑶 骁 璟 竞 涛 韵 翔 颖 凯 鸿 骏 琳 霁 苓 芃 檀 湛 蔚 珂 钧 "
    "煦 泓 苒 骞 琛 绮 缨 纶 鸥 鹭 莺 帆 铎 钰 铮 纬 缃 纭 苇 荞 荪 浔 沣 沅 滢 潇 浚 渊"
)

_EN_ORG_HEAD = _words(
    "Quillfeather Harrowgate Nimbletide Corvane Lumenfield Sablecrest Tidewell Brightmere "
    "Pellucid Orchardine Kestrelmark Vantablue Ironquay Silverbrook Amberlane Coldharbour "
    "Fernhollow Glasswing Hollowmere Juniperline"
)
_EN_ORG_TAIL = _words(
    "Robotics Freight Software Systems Energy Health Analytics Capital Foods Mobility "
    "Biosciences Logistics Networks Materials Labs"
)
_ZH_ORG_HEAD = _words(
    "星衡 北辰 青禾 澄川 远帆 深岸 流明 云杉 银湾 铁岭 锦川 鸿途 澜沧 翠屿 赤霞 海棠"
)
_ZH_ORG_TAIL = _words("智能 数据 科技 汽车 物流 医疗 能源 资本 传媒 半导体 生物 云计算")

_EN_TITLES = (
    "Chief Executive Officer",
    "Chief Financial Officer",
    "Chief Technology Officer",
    "Chief Operating Officer",
    "Chief Product Officer",
    "General Counsel",
    "Vice President of Engineering",
    "Head of Research",
    "Chair",
)
_ZH_TITLES = (
    "首席执行官",
    "首席财务官",
    "首席技术官",
    "首席运营官",
    "总裁",
    "董事长",
    "研究院院长",
)

# --- template sentences --------------------------------------------------------------------

_EN_FILLER = (
    "The company said demand in {city} had recovered faster than expected this quarter.",
    "Analysts at {org} expect margins to stay under pressure until the second half.",
    "Shares rose {num} percent in early trading before paring gains by the close.",
    "The regulator in {city} opened a consultation on the proposed rules last week.",
    "Freight rates on the northern routes fell for a third consecutive month.",
    "{org} said it would invest {num} million in a new plant outside {city}.",
    "Local officials welcomed the decision but asked for more detail on hiring plans.",
    "The board is expected to vote on the proposal at the annual meeting in June.",
    "Suppliers have warned that shortages of specialised chips could last into next year.",
    "A spokesperson declined to comment on the figures, citing a quiet period.",
    "The deal still needs approval from competition authorities in two markets.",
    "Revenue from subscriptions grew {num} percent, while hardware sales were flat.",
    "Industry groups said the new standard would raise costs for smaller firms.",
    "The project in {city} is due to be completed by the end of next year.",
    "{org} reported an operating loss, blaming higher energy and staff costs.",
    "Customers in {city} will see the new service roll out over the coming weeks.",
)
_EN_MENTION = (
    '"We are pleased with the progress," said {person}, {title} of {org}.',
    "{person}, {title} of {org}, told analysts the outlook for the year was unchanged.",
    "Speaking at a conference in {city}, {person} of {org} said hiring would continue.",
)
_EN_MOVE = {
    "joined": "{person} has joined {new_org} as {new_title}, the company said on {day}.",
    "left": "{person} has resigned as {title} of {org}, effective at the end of the month.",
    "founded": "{person}, formerly {title} of {org}, has founded {new_org}, a new start-up.",
    "role_changed": "{org} has promoted {person} from {title} to {new_title}.",
}
_EN_DAYS = _words("Monday Tuesday Wednesday Thursday Friday")

_ZH_FILLER = (
    "公司表示，{city}地区的需求恢复速度快于预期，本季度订单明显增加。",
    "{org}的分析师预计，利润率在下半年之前仍将承压。",
    "该公司股价早盘上涨{num}%，随后涨幅有所收窄。",
    "{city}监管部门上周就相关新规公开征求意见，业内普遍表示欢迎。",
    "北方航线运价连续第三个月下跌，多家物流企业下调了全年预期。",
    "{org}宣布将投资{num}亿元，在{city}郊区建设新的生产基地。",
    "当地官员对这一决定表示欢迎，但希望企业进一步披露招聘计划。",
    "董事会预计将在六月举行的年度股东大会上就该方案进行表决。",
    "多家供应商警告称，专用芯片短缺可能持续到明年。",
    "公司发言人以静默期为由，拒绝对相关数据置评。",
    "该交易仍需获得两个市场竞争主管部门的批准。",
    "订阅业务收入同比增长{num}%，硬件销售则基本持平。",
    "行业协会认为，新标准将提高中小企业的合规成本。",
    "位于{city}的项目预计将于明年年底前完工。",
    "{org}公布经营亏损，称能源和人力成本上升是主要原因。",
    "{city}的用户将在未来几周内陆续体验到这项新服务。",
)
_ZH_MENTION = (
    "{org}{title}{person}表示：“我们对目前的进展感到满意。”",
    "{org}{title}{person}在业绩说明会上表示，全年展望保持不变。",
    "{person}在{city}举行的行业论坛上表示，{org}今年将继续扩大招聘。",
)
_ZH_MOVE = {
    "joined": "{new_org}宣布，{person}正式加入公司，出任{new_title}。",
    "left": "{org}公告称，{person}因个人原因辞去{title}职务，即日生效。",
    "founded": "前{org}{title}{person}创办了新公司{new_org}，专注人工智能应用。",
    "role_changed": "{org}宣布，{person}由{title}升任{new_title}。",
}
_EN_CITIES = _words("Estermouth Calderport Wexhaven Brindlemoor Ostfield Marrowgate")
_ZH_CITIES = _words("临江 澄州 南屿 青岚 北川 镜湖")
_MOVES = tuple(_EN_MOVE)


def make_people(m: int, *, seed: int = DEFAULT_SEED) -> list[Person]:
    """``m`` invented people as config dicts: name, aliases and one known role each.

    About half have Latin names (the surname as an alias), half Chinese names of 2-4
    characters (the traditional form as an alias when it differs).
    """
    rng = random.Random(f"people-{seed}")
    people: list[Person] = []
    seen: set[str] = set()
    while len(people) < m:
        person = _latin_person(rng) if rng.random() < 0.5 else _chinese_person(rng)
        key = fold(person["name"])
        if key not in seen:
            seen.add(key)
            people.append(person)
    return people


def make_feeds(
    n: int,
    people: Sequence[Person],
    *,
    items_per_feed: int = 20,
    mention_rate: float = 0.03,
    move_rate: float = 0.3,
    seed: int = DEFAULT_SEED,
    now: datetime = DEFAULT_NOW,
) -> dict[str, bytes]:
    """``n`` feeds as ``{path: bytes}``; paths look like ``/feeds/00042.xml``."""
    casts = _casts(people)
    rates = (items_per_feed, mention_rate, move_rate)
    return dict(_feed(index, casts, rates, seed=seed, now=now) for index in range(n))


def make_feed(
    index: int,
    people: Sequence[Person],
    *,
    items_per_feed: int = 20,
    mention_rate: float = 0.03,
    move_rate: float = 0.3,
    seed: int = DEFAULT_SEED,
    now: datetime = DEFAULT_NOW,
) -> tuple[str, bytes]:
    """Feed number ``index`` alone, exactly as ``make_feeds`` builds it."""
    rates = (items_per_feed, mention_rate, move_rate)
    return _feed(index, _casts(people), rates, seed=seed, now=now)


def _feed(
    index: int,
    casts: dict[str, list[Person]],
    rates: tuple[int, float, float],
    *,
    seed: int,
    now: datetime,
) -> tuple[str, bytes]:
    items_per_feed, mention_rate, move_rate = rates
    rng = random.Random(f"feed-{seed}-{index}")
    kind = rng.choices([k for k, _ in FEED_KINDS], [w for _, w in FEED_KINDS])[0]
    cast = casts[kind]
    items = []
    for number in range(items_per_feed):
        named = rng.sample(cast, min(len(cast), rng.choice((1, 1, 2)))) if cast else []
        if rng.random() >= mention_rate:
            named = []
        is_move = bool(named) and rng.random() < move_rate
        title, body = _article(rng, kind, named, is_move=is_move)
        published = now - timedelta(minutes=rng.randrange(7 * 24 * 60))
        items.append(_Item(f"{index:05d}-{number:03d}", title, body, published))
    path = f"/feeds/{index:05d}.xml"
    render = _atom if kind == "zh-hans" else _rss
    return path, render(index, kind, items, now).encode("utf-8")


def write_config(
    path: Path, *, base_url: str, people: Sequence[Person], paths: Sequence[str], database: str
) -> None:
    """A RoleCall config polling every path under ``base_url``, with no Telegram token."""
    config = {
        "database": database,
        "timezone": "UTC",
        "schedule": {"poll": "15m", "digest": "mon 09:00"},
        "sources": [{"url": base_url.rstrip("/") + p} for p in paths],
        "people": list(people),
    }
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    path.write_text("# Generated by benchmarks.corpus: invented people and feeds.\n" + text)


# --- people --------------------------------------------------------------------------------


def _latin_person(rng: random.Random) -> Person:
    surname = _surname(rng)
    if rng.random() < 0.15:
        surname = f"{surname}-{_surname(rng)}"
    name = f"{rng.choice(_FIRST)} {surname}"
    role = {"org": _en_org(rng), "title": rng.choice(_EN_TITLES)}
    return {"name": name, "aliases": [surname], "roles": [role]}


def _surname(rng: random.Random) -> str:
    return rng.choice(_SURNAME_HEAD) + rng.choice(_SURNAME_MID) + rng.choice(_SURNAME_TAIL)


def _chinese_person(rng: random.Random) -> Person:
    surname = rng.choice(_ZH_SURNAMES)
    given_length = 2 if len(surname) == 2 else rng.choice((1, 2, 2, 2))
    name = surname + "".join(rng.choice(_ZH_GIVEN) for _ in range(given_length))
    traditional = _traditional(name)
    aliases = [traditional] if traditional != name else []
    role = {"org": _zh_org(rng), "title": rng.choice(_ZH_TITLES)}
    return {"name": name, "aliases": aliases, "roles": [role]}


def _en_org(rng: random.Random) -> str:
    return f"{rng.choice(_EN_ORG_HEAD)} {rng.choice(_EN_ORG_TAIL)}"


def _zh_org(rng: random.Random) -> str:
    return rng.choice(_ZH_ORG_HEAD) + rng.choice(_ZH_ORG_TAIL)


def _casts(people: Sequence[Person]) -> dict[str, list[Person]]:
    """The people each kind of feed may name: Latin names in English, Chinese in Chinese."""
    latin = [p for p in people if not has_cjk(p["name"])] or list(people)
    chinese = [p for p in people if has_cjk(p["name"])] or list(people)
    return {"en": latin, "zh-hans": chinese, "zh-hant": chinese}


# --- articles ------------------------------------------------------------------------------


class _Item:
    __slots__ = ("body", "key", "published", "title")

    def __init__(self, key: str, title: str, body: str, published: datetime) -> None:
        self.key, self.title, self.body, self.published = key, title, body, published


def _article(
    rng: random.Random, kind: str, named: Sequence[Person], *, is_move: bool
) -> tuple[str, str]:
    is_en = kind == "en"
    filler = _EN_FILLER if is_en else _ZH_FILLER
    sentences = [_sentence(rng, kind, named, is_move=is_move)] if named else []
    target = rng.randint(MIN_CHARS, MAX_CHARS)
    length = sum(map(len, sentences))
    while length < target:
        sentence = _fill(rng, kind, rng.choice(filler), {})
        sentences.insert(rng.randint(0, len(sentences)), sentence)
        length += len(sentence) + 1
    body = (" " if is_en else "").join(sentences)
    title = sentences[0].rsplit(" ", 1)[0] if is_en and len(sentences[0]) > 90 else sentences[0]
    return title[:100], body


def _sentence(rng: random.Random, kind: str, named: Sequence[Person], *, is_move: bool) -> str:
    person = named[0]
    role = person["roles"][0]
    is_en = kind == "en"
    values = {
        "person": person["name"],
        "org": role["org"],
        "title": role["title"],
        "new_org": _en_org(rng) if is_en else _zh_org(rng),
        "new_title": rng.choice(_EN_TITLES if is_en else _ZH_TITLES),
        "day": rng.choice(_EN_DAYS),
    }
    if is_move:
        template = (_EN_MOVE if is_en else _ZH_MOVE)[rng.choice(_MOVES)]
    else:
        template = rng.choice(_EN_MENTION if is_en else _ZH_MENTION)
    sentence = _fill(rng, kind, template, values)
    for other in named[1:]:
        sentence += _fill(rng, kind, rng.choice(_EN_MENTION if is_en else _ZH_MENTION), {
            "person": other["name"], "org": other["roles"][0]["org"],
            "title": other["roles"][0]["title"],
        })  # fmt: skip
    return sentence


def _fill(rng: random.Random, kind: str, template: str, values: dict[str, str]) -> str:
    is_en = kind == "en"
    defaults = {
        "city": rng.choice(_EN_CITIES if is_en else _ZH_CITIES),
        "org": _en_org(rng) if is_en else _zh_org(rng),
        "num": str(rng.randint(2, 95)),
    }
    merged = {**defaults, **values}
    if kind == "zh-hant":
        template = _traditional(template)
        merged = {key: _traditional(value) for key, value in merged.items()}
    return template.format_map(merged)


@cache
def _traditional(text: str) -> str:
    """Only ever called on the finite pools (templates, names, orgs), so the cache is bounded."""
    return to_traditional(text)


# --- feed documents ------------------------------------------------------------------------


def _rss(index: int, kind: str, items: Sequence[_Item], now: datetime) -> str:
    language = "en" if kind == "en" else "zh-hant"
    entries = "".join(
        f"<item><title>{escape(item.title)}</title>"
        f"<link>https://feeds{index % 97}.example/{item.key}</link>"
        f'<guid isPermaLink="false">bench-{item.key}</guid>'
        f"<pubDate>{format_datetime(item.published)}</pubDate>"
        f"<description>{escape(item.body)}</description></item>\n"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        f"<title>Bench feed {index}</title><link>https://feeds{index % 97}.example/</link>"
        f"<description>Generated feed {index}</description><language>{language}</language>"
        f"<lastBuildDate>{format_datetime(now)}</lastBuildDate>\n{entries}</channel></rss>\n"
    )


def _atom(index: int, kind: str, items: Sequence[_Item], now: datetime) -> str:
    entries = "".join(
        f"<entry><title>{escape(item.title)}</title>"
        f'<link href="https://feeds{index % 97}.example/{item.key}"/>'
        f"<id>tag:feeds.example,2025:{item.key}</id>"
        f"<updated>{item.published.isoformat()}</updated>"
        f"<summary>{escape(item.body)}</summary></entry>\n"
        for item in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{kind}">'
        f"<title>Bench feed {index}</title><id>tag:feeds.example,2025:feed-{index}</id>"
        f"<updated>{now.isoformat()}</updated>\n{entries}</feed>\n"
    )


def etag_of(body: bytes) -> str:
    """A strong ETag for a generated body (CRC-32 and length: cheap and good enough here)."""
    return f'"{zlib.crc32(body):08x}-{len(body):x}"'
