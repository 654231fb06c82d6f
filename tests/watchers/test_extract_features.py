"""Long feature items with many names: the one reported move is found, history is not news."""

from __future__ import annotations

from datetime import UTC, datetime

from watchers.diff import diff_roles
from watchers.extract import extract_events
from watchers.models import FeedItem, KnownRole, Mention, MoveKind, Person

NOW = datetime(2025, 9, 10, 8, 0, tzinfo=UTC)

_EN_HISTORY = (
    "Elsbeth Marrow joined Corrin Dynamics in 2009 as a junior analyst and spent six years "
    "in its treasury team. In 2015 she left Corrin Dynamics for Halvery Marine, where she "
    "became finance director in 2017. Colleagues from that time describe long evenings over "
    "spreadsheets and a habit of walking the shipyard floor before board meetings. "
    '"She asked questions nobody else thought to ask," said Tomas Reyl, a former Halvery '
    "Marine board member who now teaches at a business school. "
)
_EN_FILLER = (
    "The company's shares have traded in a narrow range this year, and analysts at several "
    "brokers said the results were broadly in line with expectations. Orders for the new "
    "range of hull sensors rose in the spring, while freight costs eased over the summer. "
    "Management said the pipeline for next year looked healthy, though margins were still "
    "below the levels reached before the pandemic. "
)
EN_FEATURE = (
    _EN_HISTORY
    + _EN_FILLER * 6
    + "On Tuesday Halvery Marine said Elsbeth Marrow would step down as chief financial "
    "officer at the end of the month to join Pellam Ports as chief executive. "
    + _EN_FILLER
    * 5
    + "Greta Anselm, who ran Pellam Ports for eleven years, retired in 2021. "
    "Jonas Wick, the chairman of Halvery Marine, did not comment. "
)
MARROW = Person(
    id=1,
    name="Elsbeth Marrow",
    aliases=("Marrow",),
    roles=(
        KnownRole(org="Halvery Marine", title="chief financial officer"),
        KnownRole(org="Corrin Dynamics", current=False),
    ),
)
WICK = Person(id=2, name="Jonas Wick", aliases=("Wick",), roles=(KnownRole(org="Halvery Marine"),))
REYL = Person(id=3, name="Tomas Reyl", aliases=("Reyl",), roles=())

_ZH_HISTORY = (
    "邵闻笛2008年从工学院毕业后加入溯光科技，从数据库工程师做起。2014年，他离开溯光科技，"
    "与两位同学共同创办雾栖软件，并担任首席执行官至今。创业初期，公司只有十几名员工，"
    "办公室设在城东一座旧厂房里。早年的投资人葛临川回忆说：“他每周都会把产品路线图重写一遍。”"
)
_ZH_FILLER = (
    "过去一年，国内企业软件市场竞争加剧，多家厂商下调了订阅价格。业内人士认为，"
    "行业整合仍将持续，拥有自研数据库和行业客户积累的公司更有优势。"
    "雾栖软件上半年营收同比增长约两成，毛利率基本持平，海外收入占比有所提升。"
)
ZH_FEATURE = (
    _ZH_HISTORY
    + _ZH_FILLER * 8
    + "雾栖软件9月9日公告，邵闻笛因希望专注战略事务辞去首席执行官一职，仍担任董事长；"
    "公司同时宣布，由首席运营官柯映雪接任首席执行官。"
    + _ZH_FILLER * 6
    + "溯光科技创始人葛临川表示，邵闻笛的离开让他想起当年的那段日子。"
)
SHAO = Person(
    id=11,
    name="邵闻笛",
    roles=(
        KnownRole(org="雾栖软件", title="首席执行官"),
        KnownRole(org="雾栖软件", title="董事长"),
        KnownRole(org="溯光科技", current=False),
    ),
)
KE = Person(id=12, name="柯映雪", roles=(KnownRole(org="雾栖软件", title="首席运营官"),))
GE = Person(id=13, name="葛临川", roles=(KnownRole(org="溯光科技", title="创始人"),))


def _alerts(text: str, *people: Person) -> set[tuple[str, MoveKind, str | None]]:
    item = FeedItem(key="f", url="https://news.example/feature", title="", summary=text,
                    published_at=NOW, source_id=1)  # fmt: skip
    events = extract_events(Mention(item=item, people=people), now=NOW)
    changes = diff_roles(events, {p.id: p.roles for p in people})
    return {(c.person_name, c.kind, c.org) for c in changes}


def test_features_are_long():
    assert len(EN_FEATURE) > 3000
    assert len(ZH_FEATURE) > 1500


def test_english_feature_reports_the_one_move():
    assert _alerts(EN_FEATURE, MARROW, WICK, REYL) == {
        ("Elsbeth Marrow", MoveKind.left, "Halvery Marine"),
        ("Elsbeth Marrow", MoveKind.joined, "Pellam Ports"),
    }


def test_chinese_feature_reports_the_title_changes_only():
    assert _alerts(ZH_FEATURE, SHAO, KE, GE) == {
        ("邵闻笛", MoveKind.role_changed, "雾栖软件"),
        ("柯映雪", MoveKind.role_changed, "雾栖软件"),
    }
