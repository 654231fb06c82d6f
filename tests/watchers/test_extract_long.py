"""Long profiles and interviews: many names, much history, one real move or none.

Each feature holds the traps a long item sets: history with and without years, quotes
about other people, opinions and conditions, unwatched people referred to by pronouns,
organisations in lists. The one move is found with its organisation and sentence.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from watchers.diff import diff_roles
from watchers.extract import extract_events
from watchers.models import FeedItem, KnownRole, Mention, MoveKind, Person, RoleChange

NOW = datetime(2025, 10, 14, 7, 0, tzinfo=UTC)

_EN_MARKET = (
    "Freight volumes on the river have recovered slowly since the drought, and several "
    "operators have merged or sold barges to pay down debt. Lenders have grown wary of the "
    "sector, and insurers raised premiums after a string of groundings last winter. "
    "Shippers, for their part, say they want longer contracts and better tracking, and "
    "they are willing to pay for both if delivery times improve. "
)
FENWRIGHT = Person(
    id=1,
    name="Odile Fenwright",
    aliases=("Fenwright",),
    roles=(
        KnownRole(org="Brackenridge Analytics", title="chief operating officer"),
        KnownRole(org="Tarnwell Bank", current=False),
    ),
)
DRURY = Person(
    id=2,
    name="Ansel Drury",
    aliases=("Drury",),
    roles=(KnownRole(org="Brackenridge Analytics", title="chairman"),),
)
CASSON = Person(
    id=3,
    name="Mireille Casson",
    aliases=("Casson",),
    roles=(KnownRole(org="Pellory Capital", title="partner"),),
)
EN_PROFILE = (
    "Odile Fenwright did not plan to run a freight company. She began her career at Tarnwell "
    "Bank, where she ran the currency desk, and left after the 2008 crisis to join "
    "Brackenridge Analytics as head of risk. When Ansel Drury stepped down as chief executive "
    "of Brackenridge to become its chairman, he asked her to run operations. "
    "Brackenridge counts Hollin Energy, Vantor Mills and Sefton Rail among its clients, and "
    "its software now prices about a fifth of the container traffic through the northern "
    "ports. Colleagues describe a manager who reads every contract and answers email at "
    "five in the morning. "
    "On Monday Otterbeck Freight said it had appointed Odile Fenwright as chief executive, "
    "effective January 5. She will leave Brackenridge at the end of October. "
    "Her predecessor at Otterbeck, Gideon Lusk, retired in June after a heart operation. "
    "He had joined the company as a dispatcher and ran it for nineteen years. He left the "
    "board in August. "
    '"Ansel taught me that a chief executive should leave before the board asks," '
    "Fenwright said in an interview at the company's riverside offices. "
    '"I joined Brackenridge because it was small, and I am going to Otterbeck because it '
    'is not." '
    '"Odile will be a superb chief executive," said Mireille Casson, a partner at Pellory '
    "Capital, which owns a stake in Otterbeck. Casson, who joined Pellory Capital from "
    "Tarnwell Bank in 2016, led the search. Some shareholders would have preferred an "
    "insider, and a few think Drury should return to day-to-day management. "
    "Otterbeck's shares rose four per cent on the news. The company moves grain, timber and "
    "steel coil along the river and through three inland terminals, and it has spent "
    "heavily on new barges since the drought two summers ago. Analysts expect margins to "
    "recover next year as volumes return and fuel prices ease. "
    + _EN_MARKET
    * 2
    + "Drury said the board would name a new operating chief before the end of the year. "
    "If no internal candidate emerges, Brackenridge could hire from a rival. "
)
EN_PROFILE_ALERTS = {
    ("Odile Fenwright", MoveKind.joined, "Otterbeck Freight"),
    ("Odile Fenwright", MoveKind.left, "Brackenridge Analytics"),
}

KETTLEBY = Person(
    id=11,
    name="Dorian Kettleby",
    aliases=("Kettleby",),
    roles=(KnownRole(org="Glimmerwick Foods", title="chief executive"),),
)
RASK = Person(
    id=12,
    name="Sunniva Rask",
    aliases=("Rask",),
    roles=(KnownRole(org="Glimmerwick Foods", title="chief operating officer"),),
)
EN_INTERVIEW = (
    "Dorian Kettleby has spent twenty-six years at Glimmerwick Foods, the last eleven of "
    "them as chief executive. Over lunch in the staff canteen he talks about soup, pension "
    "funds and the year the factory flooded. "
    '"I joined Glimmerwick in 1998, when it had forty people and one van," he said. '
    "In 2012 he hired Wendell Amory from Corbel Retail to run sales. Amory left three years "
    "later to start his own business, Quayside Provisions. He later returned to Corbel "
    "Retail as chairman. "
    "Glimmerwick sells to Ashgrove Markets, Fieldhaven, Corbel Retail and a dozen smaller "
    "chains, and it makes private-label sauces for two of them. Its ready meals are sold "
    "in six countries. Last year it bought a bakery in the south and closed an old plant. "
    "The company said on Thursday that Kettleby will retire at the end of March, handing "
    "leadership to Sunniva Rask, the chief operating officer. "
    "Rask, 47, joined Glimmerwick from a dairy cooperative in 2019 and has run its supply "
    "chain since. Kettleby said she was the obvious choice. "
    '"Sunniva will take the top job at the right moment," he said. '
    "Some investors would like Kettleby to stay on as chairman, but he said he would not. "
    "If a bid for the company emerges, the board could ask him to remain. "
    "Analysts said the handover had been expected since the spring, when the company "
    "reorganised its divisions. Glimmerwick's shares were little changed. "
    "The company's sauces division, which accounts for a third of revenue, grew eight per "
    "cent in the first half, helped by a new range of low-salt products and by longer "
    "contracts with its largest customers. " + _EN_MARKET * 2
)
EN_INTERVIEW_ALERTS = {
    ("Dorian Kettleby", MoveKind.left, "Glimmerwick Foods"),
    ("Sunniva Rask", MoveKind.role_changed, "Glimmerwick Foods"),
}

ZHUANG = Person(
    id=21,
    name="庄沐禾",
    roles=(
        KnownRole(org="青岫科技", title="首席技术官"),
        KnownRole(org="曲衡半导体", current=False),
    ),
)
XIAN = Person(id=22, name="冼知远", roles=(KnownRole(org="青岫科技", title="董事长"),))
QI = Person(id=23, name="戚晚舟", roles=(KnownRole(org="栖梧资本", title="合伙人"),))
_ZH_MARKET = (
    "过去一年，国内芯片设计行业经历了一轮明显的洗牌。一些依靠单一客户的小公司被收购，"
    "另一些则转向汽车和工业控制等更稳定的市场。多家上市公司在年报中提到，"
    "研发人员的薪酬仍在上涨，流片成本也没有明显下降。业内人士认为，"
    "拥有自研架构和长期客户的企业更有可能穿越周期，而单纯做代理和方案的公司压力更大。"
    "地方政府的产业基金依旧活跃，但投资节奏放缓，更看重企业的营收质量和现金流。"
)
_ZHT_MARKET = (
    "本地銀行業今年面對淨息差收窄和貸款需求疲弱的雙重壓力，多家同業削減分行數目，"
    "並把更多資源投放到財富管理和數碼渠道。分析師指出，商業地產貸款的質素仍是市場關注的焦點，"
    "部分銀行已提高撥備，以應對可能上升的壞賬。監管機構亦要求銀行加強壓力測試，"
    "並定期披露氣候相關風險。業界普遍預期，利率見頂後，銀行股的估值有望逐步修復。"
)
ZH_PROFILE = (
    "庄沐禾的办公室里摆着一台旧示波器。2006年，他从工学院毕业后加入曲衡半导体，"
    "做了七年芯片验证工程师；2013年，他离开曲衡半导体，与冼知远一起创办青岫科技，"
    "并担任首席技术官至今。冼知远曾任曲衡半导体副总裁，如今是青岫科技董事长。"
    "创业初期，公司只有九个人，第一笔钱来自栖梧资本的合伙人戚晚舟。"
    "戚晚舟回忆说：“那时候他们连像样的演示都没有，但他讲芯片的样子让人相信。”"
    "青岫科技的客户包括瀚舟汽车、甘棠电子和莲汀医疗等企业，"
    "去年营收同比增长约四成，海外收入占比升至两成。"
    "业内人士认为，随着行业整合加速，拥有自研架构的公司更有优势。"
    + _ZH_MARKET
    * 9
    + "多家同行在过去一年下调了报价，也有企业削减了研发投入。"
    "谈到管理，庄沐禾说自己更喜欢待在实验室。他说：“如果有一天要我去当首席执行官，"
    "我大概会先请一位好的财务总监。”"
    "前曲衡半导体总裁蔺孟川去年离开公司，加入一家外资企业。他表示，庄沐禾是他带过最好的工程师。"
    "青岫科技10月13日公告，庄沐禾因个人原因辞去首席技术官职务，将加盟瀚舟汽车出任首席科学家。"
    "公司同时宣布，首席技术官一职由研发副总裁叶岑接任。"
    "冼知远表示，公司尊重庄沐禾的选择，感谢他多年来的贡献。"
    "戚晚舟则称，栖梧资本不会因此调整对青岫科技的投资计划。"
    "有分析人士认为，冼知远可能在明年兼任首席执行官，但公司对此不予置评。"
    "青岫科技上半年研发投入同比增长三成，新一代车规芯片预计明年量产。"
)
ZH_PROFILE_ALERTS = {
    ("庄沐禾", MoveKind.left, "青岫科技"),
    ("庄沐禾", MoveKind.joined, "瀚舟汽车"),
}

LIANG = Person(id=31, name="梁栖遲", roles=(KnownRole(org="澹台銀行", title="行政總裁"),))
GAN = Person(id=32, name="甘望舒", roles=(KnownRole(org="澹台銀行", title="財務總監"),))
ZHT_FEATURE = (
    "梁栖遲在澹台銀行工作了二十二年。一九九八年，他以見習生身份加入該行，"
    "先後擔任零售業務主管、財務總監和營運總裁，二〇一六年出任行政總裁。"
    "在他任內，澹台銀行收購了兩家地區銀行，並把數碼業務拆分為獨立子公司。"
    "前董事長冼伯言曾說，梁栖遲是行內最懂風險的人。冼伯言二〇一九年退休，"
    "其後加入一家慈善基金會擔任主席。"
    "甘望舒二〇一八年由外資投行加盟澹台銀行，擔任財務總監至今。"
    "她說：「我加入澹台銀行，是因為這裡的人願意聽壞消息。」"
    "分析師指出，本地銀行業今年淨息差收窄，多家同業削減了分行數目，"
    "澹台銀行上半年盈利按年下跌約一成，但資本比率仍高於監管要求。"
    + _ZHT_MARKET
    * 12
    + "市場一度傳出梁栖遲將轉投另一家大型金融集團，但銀行當時否認有關消息。"
    "澹台銀行13日公布，梁栖遲將於年底退休，其職務由甘望舒接任。"
    "銀行表示，甘望舒將於明年1月1日正式出任行政總裁，財務總監一職將另行公布。"
    "有股東認為，若梁栖遲留任顧問，將有助過渡。"
    "澹台銀行的股價在消息公布後微升，成交量較平日增加約一倍。"
)
ZHT_FEATURE_ALERTS = {
    ("梁栖遲", MoveKind.left, "澹台銀行"),
    ("甘望舒", MoveKind.role_changed, "澹台銀行"),
}

HALSE = Person(
    id=41,
    name="Corvina Halse",
    aliases=("Halse",),
    roles=(KnownRole(org="Ormond Mills", title="chief executive"),),
)
EN_NO_MOVE = (
    "Corvina Halse rarely gives interviews. In the twelve years since she joined Ormond "
    "Mills, the textile maker has closed four plants, opened two and sold its carpet "
    "business to a private equity firm. "
    "Before that she was finance director at Sefton Rail, and before that she worked at "
    "Tarnwell Bank, where she met her husband. She stayed at the bank until the trading floor "
    "closed, and she has not worked in banking since. "
    '"Everyone expected me to leave when the carpet sale failed the first time," Halse '
    'said. "I stayed because the people here stayed." '
    "Her deputy, Lennart Oakes, left in May to run a rival, and she promoted two plant "
    "managers in his place. He has since hired several of her former engineers. "
    "Ormond Mills supplies Fieldhaven, Ashgrove Markets and Vantor Mills, and sells yarn to "
    "weavers in three countries. Revenue rose six per cent last year. "
    "Asked whether she would ever run a bigger company, Halse laughed. "
    '"If someone offered me a bank, I would turn it down," she said. '
    "Investors say Halse should stay at Ormond Mills until the new plant opens. "
    "The company's annual meeting is next month, and the board is expected to propose a "
    "higher dividend. Analysts at two brokers raised their price targets on Friday. "
) * 2
EN_NO_MOVE_ALERTS: set[tuple[str, MoveKind, str | None]] = set()

ALL = (FENWRIGHT, DRURY, CASSON, KETTLEBY, RASK, ZHUANG, XIAN, QI, LIANG, GAN, HALSE)
CASES = {
    "en-profile": (EN_PROFILE, (FENWRIGHT, DRURY, CASSON), EN_PROFILE_ALERTS),
    "en-interview": (EN_INTERVIEW, (KETTLEBY, RASK), EN_INTERVIEW_ALERTS),
    "zh-profile": (ZH_PROFILE, (ZHUANG, XIAN, QI), ZH_PROFILE_ALERTS),
    "zht-feature": (ZHT_FEATURE, (LIANG, GAN), ZHT_FEATURE_ALERTS),
    "en-no-move": (EN_NO_MOVE, (HALSE,), EN_NO_MOVE_ALERTS),
}


EVIDENCE = {
    "en-profile": ("said it had appointed Odile Fenwright", "She will leave Brackenridge"),
    "en-interview": ("Kettleby will retire at the end of March, handing leadership to",),
    "zh-profile": ("庄沐禾因个人原因辞去首席技术官职务，将加盟瀚舟汽车出任首席科学家",),
    "zht-feature": ("梁栖遲將於年底退休，其職務由甘望舒接任",),
}


def _changes(text: str, people: tuple[Person, ...]) -> list[RoleChange]:
    item = FeedItem(key="l", url="https://news.example/long", title="", summary=text,
                    published_at=NOW, source_id=1)  # fmt: skip
    events = extract_events(Mention(item=item, people=people), now=NOW)
    return diff_roles(events, {p.id: p.roles for p in people})


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_long_feature_alerts_only_the_real_move(name: str) -> None:
    text, people, expected = CASES[name]
    assert {(c.person_name, c.kind, c.org) for c in _changes(text, people)} == expected


@pytest.mark.parametrize("name", list(CASES), ids=list(CASES))
def test_long_feature_is_long(name: str) -> None:
    assert len(CASES[name][0]) >= 2000


@pytest.mark.parametrize("name", list(EVIDENCE), ids=list(EVIDENCE))
def test_long_feature_cites_the_sentence_of_the_move(name: str) -> None:
    text, people, _ = CASES[name]
    changes = _changes(text, people)
    assert changes
    assert all(any(e in c.evidence for e in EVIDENCE[name]) for c in changes)


def _alerts(text: str, *people: Person) -> set[tuple[str, MoveKind, str | None]]:
    return {(c.person_name, c.kind, c.org) for c in _changes(text, people)}


RULES = [
    pytest.param(
        "Glimmerwick Foods said Dorian Kettleby will retire in March, handing leadership to "
        "Sunniva Rask.",
        (KETTLEBY, RASK),
        {
            ("Dorian Kettleby", MoveKind.left, "Glimmerwick Foods"),
            ("Sunniva Rask", MoveKind.role_changed, "Glimmerwick Foods"),
        },
        id="handing-leadership-to",
    ),
    pytest.param(
        "Odile Fenwright will take the top job at Otterbeck Freight.",
        (FENWRIGHT,),
        {("Odile Fenwright", MoveKind.joined, "Otterbeck Freight")},
        id="takes-the-top-job",
    ),
    pytest.param(
        "Otterbeck Freight announced Odile Fenwright's appointment as chief executive.",
        (FENWRIGHT,),
        {("Odile Fenwright", MoveKind.joined, "Otterbeck Freight")},
        id="possessive-appointment",
    ),
    pytest.param(
        "Odile Fenwright's departure from Brackenridge Analytics was announced on Monday.",
        (FENWRIGHT,),
        {("Odile Fenwright", MoveKind.left, "Brackenridge Analytics")},
        id="possessive-departure",
    ),
    pytest.param(
        "Brackenridge Analytics announced the retirement of Ansel Drury.",
        (DRURY,),
        {("Ansel Drury", MoveKind.left, "Brackenridge Analytics")},
        id="the-retirement-of",
    ),
    pytest.param(
        "青岫科技宣布，庄沐禾将成为冼知远的接班人。",
        (ZHUANG, XIAN),
        {("庄沐禾", MoveKind.role_changed, "青岫科技")},
        id="zh-successor-noun",
    ),
    pytest.param(
        "青岫科技宣布，冼知远卸任董事长，由庄沐禾接任。",
        (ZHUANG, XIAN),
        {("冼知远", MoveKind.left, "青岫科技"), ("庄沐禾", MoveKind.role_changed, "青岫科技")},
        id="zh-by-x-takes-over",
    ),
    pytest.param(
        "瀚舟汽车由庄沐禾创立。",
        (ZHUANG,),
        {("庄沐禾", MoveKind.founded, "瀚舟汽车")},
        id="zh-founded-by",
    ),
    pytest.param(
        "庄沐禾将参与莲汀的A轮融资，并出任该公司董事。",
        (ZHUANG,),
        {("庄沐禾", MoveKind.joined, "莲汀")},
        id="zh-investee-is-the-company",
    ),
    pytest.param(
        "庄沐禾在青岫科技工作多年。青岫科技确认其离职。",
        (ZHUANG,),
        {("庄沐禾", MoveKind.left, "青岫科技")},
        id="zh-qi-departure",
    ),
    pytest.param(
        '"I joined Pellory Capital because it was small," Odile Fenwright said.',
        (FENWRIGHT,),
        set(),
        id="quote-tells-the-speakers-story",
    ),
    pytest.param(
        "Odile Fenwright hired Gideon Lusk in March. He later joined Pellory Capital.",
        (FENWRIGHT,),
        set(),
        id="pronoun-after-an-unwatched-person",
    ),
    pytest.param(
        "In 2012 Odile Fenwright hired Wendell Amory to run sales.",
        (FENWRIGHT,),
        set(),
        id="the-hirer-is-not-hired",
    ),
    pytest.param(
        "Some investors think Odile Fenwright should join Pellory Capital.",
        (FENWRIGHT,),
        set(),
        id="should-is-an-opinion",
    ),
    pytest.param(
        "When Odile Fenwright left Tarnwell Bank, the desk closed.",
        (FENWRIGHT,),
        set(),
        id="when-clause-is-history",
    ),
    pytest.param(
        "庄沐禾上月离开甘棠电子。",
        (ZHUANG,),
        set(),
        id="departure-from-a-place-not-on-record",
    ),
    pytest.param(
        "一九九八年，甘望舒加入澹台銀行。",
        (GAN,),
        set(),
        id="zh-numeral-year-is-history",
    ),
]


@pytest.mark.parametrize(("text", "people", "expected"), RULES)
def test_rules_for_long_items(
    text: str, people: tuple[Person, ...], expected: set[tuple[str, MoveKind, str | None]]
) -> None:
    assert _alerts(text, *people) == expected
