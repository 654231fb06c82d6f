"""Organisation names in a sentence: capitalised spans, Chinese name patterns, known names."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from watchers.extract._latin_names import latin_names
from watchers.text import fold, has_cjk

_CJK_SUFFIXES = (
    "股份有限公司", "有限公司", "商业银行", "资产管理", "(?<![签部公署为])署(?![长理])", "交易所", "研究院", "研究所", "医院", "实验室", "基金会", "设计院",
    "新能源", "国家队", "俱乐部", "公司", "集团", "控股", "科技", "智能", "大学", "学院", "银行",
    "基金", "证券", "资本", "医药", "制药", "汽车", "电子", "光电", "精密", "机械", "地产", "物业",
    "物流", "食品", "能源", "数据", "国际", "保险", "足总", "总会", "协会", "软件", "传媒",
    "生物", "航空", "电力", "通信", "工业局", "局", "资产", "网络", "电器", "重工", "半导体",
)  # fmt: skip
_CJK_SUFFIX = re.compile("|".join(_CJK_SUFFIXES))
_MAKER = r"(?:服务|制造|供应|运营|开发|提供|经销|零售)商"  # "算力服务商", "汽车制造商"
_CJK_STOPS = re.compile(
    r".*(?:[年月日已]自|[^\u4e00-\u9fff]|[的在于从向为将已被由与和及对等是兼任前原并]|加盟|加入|出任|担任|离开|宣布|公告"
    r"|表示|聘任|委任|任命|转投|转任|转战|接任|离职|卸任|入职|旗下|大厂|巨头|龙头|厂|创办|创立|辞去|之|年|月|日|了|官|师|身份|器|平台|机构"
    r"|公司|企业|初创|老牌|知名|大型|中型|小型|新兴|传统|本土|头部"
    r"|包括|包含|例如|加快|推动|帮助|带领|推进|促进|支持|助力|进入|收购|成为|带动|加强|参与"
    r"|协助|接近|转赴|转往|前往|回到|后|据|成立|设立|组建|政府|"
    + _MAKER
    + ")"  # "就任后协助研究院", "汽车制造商X"
)
_CJK_SUBJECT = re.compile(
    r"^([\u4e00-\u9fff]{2,16}?)(?:(?:\([^()]{1,40}\))?(?:\d{1,2}月)?\d{1,2}日"
    r"|(?:\d{1,2}月)?(?=董事[会局]|股东大?会))|^(?:同日|当日|当天|此外|另外|与此同时)?[，,]?"
    r"([\u4e00-\u9fff]{2,6}?)(?:同时|也|亦|则|还|今天"
    r"|今日|昨天|昨日|近日|日前|同日|当日|当天|稍后|随后|周[一二三四五六日天]|星期[一二三四五六日天])?"
    r"(?:宣布|公告|表示|官宣|由)"
)
# "CAMBRIDGE, Mass., Oct. 2 --", "LONDON (Wire) -": a wire story's place of filing
_DATELINE = re.compile(
    r"\s*[A-Z][A-Z .]{2,}(?:, [A-Z][a-z]+\.)?(?=,? (?:[A-Z][a-z]{2}\.? \d|\(|-))"
)
_NOT_NAME = re.compile(  # also who speaks for a body without naming it: 主管机关, 校方, 学校
    r"本报|本刊|本台|官|长|主席|董事|总裁|经理|教练|主帅|职|部门|团队|顾问|负责人|合伙人|代理|消息|人士|报道"
    r"|机关|当局|学校|校方|院方|官方|同一|份"
)
_GENERIC_HEAD = re.compile(  # "上市公司", "创业公司", "股东银行": a kind of firm, not a name
    r"上市|创业|新创|初创|股东|外资|外商|美商|日商|港资|中资|民营|国有|国营|家族|合资|竞争"
)
_INDEFINITE = re.compile(
    r"(?:[一某多几两这那每各][家位名个]|某|[一某]所|[一某]间)$"
)  # "一家大型银行", "多个地产业界组织"
_DESCRIBES = re.compile(
    r"[\u4e00-\u9fff]{0,4}(?:公司|企业|机构|平台|初创|车企|厂商|基金|" + _MAKER + r")[“「『\"]?"
)
_OPEN_QUOTES = frozenset('“「『"')
_CLOSE_QUOTES = frozenset('”」』"')  # "「映画台」(Reelbox)": the quoted name is the one to report
_APPOSITION_HEAD = ("公司", "企业", "机构", "平台", "初创", "车企", "厂商")
_GENERIC = re.compile(
    r"\b(?:the|its) (?:company|firm|bank|group|club|lender|carmaker|automaker|insurer|university"
    r"|school|operator|retailer|chain|custody bank|startup|business|team|trust|agency|authority"
    r"|hospital|institute|federation|foundation|charity|fund|council|ministry)\b"
    r"|(?<!, )\bits\b"  # ", its medical director,": an apposition labels the person
    r"|该公司|该集团|该行|本行|该学院|该校|该基金|该机构|后者|本公司|公司|集团|球队"
)


@dataclass(frozen=True, slots=True)
class OrgSpan:
    """An organisation named in a sentence; ``name`` is empty for "the company"-style words."""

    start: int
    end: int
    name: str
    word: str = ""  # the generic word itself: "the bank", "该学院"

    @property
    def is_generic(self) -> bool:
        return not self.name


def find_orgs(
    text: str, folded: str, known: Iterable[str], taken: Sequence[tuple[int, int]]
) -> list[OrgSpan]:
    """Organisations in one sentence, in order; spans inside ``taken`` (people) are skipped."""
    spans = [
        *_latin(text),
        *_chinese(text, folded),
        *_known(text, folded, known),
        *_generic(folded),
    ]
    free = [s for s in spans if not any(a < s.end and s.start < b for a, b in taken)]
    ends = {s.end for s in free if has_cjk(s.name)}
    free = [s for s in free if not _is_gloss(text, s, ends)]
    return _without_descriptors(folded, _without_overlaps(free))


def _is_gloss(text: str, span: OrgSpan, cjk_ends: set[int]) -> bool:
    """ "芯澜半导体（Corelane Semi）", "「映画台」(Reelbox)": a Latin name in brackets glosses
    the Chinese name found (or quoted) right before it; the item's own name is the one to report (``glosses`` links
    the two). A gloss of a name not found ("…集团奎沃（Quorvale）") stays."""
    after_name = (
        span.start - 1 in cjk_ends or text[span.start - 2 : span.start - 1] in _CLOSE_QUOTES
    )
    return (
        after_name
        and text[span.start - 1 : span.start] == "("
        and text[span.end : span.end + 1] == ")"
    )


def _latin(text: str) -> Iterable[OrgSpan]:
    dateline = _DATELINE.match(text)
    for start, name in latin_names(text):
        if dateline is None or start >= dateline.end():
            yield OrgSpan(start, start + len(name), name)


def _chinese(text: str, folded: str) -> Iterable[OrgSpan]:
    for hit in _CJK_SUFFIX.finditer(folded):
        begin = _cjk_begin(folded, hit.start())
        end = _cjk_suffix_end(folded, hit.end())
        if (
            hit.start() - begin >= 2
            and not _is_indefinite(folded, begin, hit.start())
            and not _GENERIC_HEAD.fullmatch(folded, begin, hit.start())
        ):
            yield OrgSpan(begin, end, text[begin:end])
    subject = _CJK_SUBJECT.match(folded)
    if subject:
        group = 1 if subject.group(1) else 2
        begin = _cjk_begin(folded, subject.end(group))
        name = text[begin : subject.end(group)]
        if subject.end(group) - begin >= 2 and not _NOT_NAME.search(fold(name)):
            yield OrgSpan(begin, subject.end(group), name)


def _cjk_begin(folded: str, suffix_start: int) -> int:
    """A name holds at most six characters before its suffix, and starts after the last
    stop word; the stop may begin before the window ("芯片制造商岭澈电子" is 岭澈电子)."""
    window_start = max(0, suffix_start - 6)
    stop = _CJK_STOPS.match(folded, max(0, window_start - 3), suffix_start)
    return max(stop.end(), window_start) if stop else window_start


def _is_indefinite(folded: str, begin: int, suffix_start: int) -> bool:
    """ "一家大型银行", "某科技公司": a description, not a name."""
    head = [
        at + 1
        for at in (folded.find(c, begin, begin + 2) for c in "某家位名个")
        if 0 <= at < suffix_start
    ]
    return bool(_INDEFINITE.search(folded, max(0, begin - 2), max([begin, *head])))


def _cjk_suffix_end(folded: str, end: int) -> int:
    more = _CJK_SUFFIX.match(folded, end)
    while more:
        end = more.end()
        more = _CJK_SUFFIX.match(folded, end)
    return end


def _known(text: str, folded: str, known: Iterable[str]) -> Iterable[OrgSpan]:
    for name in known:
        at = folded.find(name)
        while at >= 0:
            if _bounded(folded, at, at + len(name)):
                yield OrgSpan(at, at + len(name), text[at : at + len(name)])
            at = folded.find(name, at + 1)


def _bounded(folded: str, start: int, end: int) -> bool:
    before = folded[start - 1] if start else " "
    after = folded[end] if end < len(folded) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


def _generic(folded: str) -> Iterable[OrgSpan]:
    for hit in _GENERIC.finditer(folded):
        yield OrgSpan(hit.start(), hit.end(), "", hit.group())


def _without_overlaps(spans: list[OrgSpan]) -> list[OrgSpan]:
    """Longer names win; a generic word never hides a name."""
    kept: list[OrgSpan] = []
    for span in sorted(spans, key=lambda s: (s.is_generic, -(s.end - s.start), s.start)):
        if not any(k.start < span.end and span.start < k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def _without_descriptors(folded: str, spans: list[OrgSpan]) -> list[OrgSpan]:
    """ "人工智能初创公司溪石智能": a kind of company right before a name describes it."""
    starts = [span.start for span in spans if not span.is_generic]
    return [
        s
        for s in spans
        if not any(_DESCRIBES.fullmatch(folded, s.end, at) for at in starts)
        and not (
            _opens_name(folded, s.end, starts) and (s.name or s.word).endswith(_APPOSITION_HEAD)
        )
    ]


def _opens_name(folded: str, end: int, starts: Sequence[int]) -> bool:
    """A name starts right at ``end``, or after an opening quote ("新公司“橙舟科技”")."""
    return end in starts or (folded[end : end + 1] in _OPEN_QUOTES and end + 1 in starts)
