"""Objects of moves: Chinese names without a suffix ("创办澜栈", "出任墨汐互娱CFO"), a name after its kind, a post chained to a move's object."""

from __future__ import annotations

import re
from collections.abc import Sequence

from watchers.extract._lexicon import NEW_PLACE, Trigger
from watchers.extract._orgs import OrgSpan

KINDS = ("公司", "企业", "平台", "机构", "基金", "初创", "新创", "工作室")
_CJK_OBJECT = re.compile(  # a kind may hold Latin letters: "AI新创「数芽」"
    r"(?:了)?(?:[a-z0-9\u4e00-\u9fff]{0,6}(?:加速器|公司|企业|平台|机构|品牌|车企|对手|基金|初创|新创|工作室))?"
    r"[“「『\"]?([\u4e00-\u9fff]{2,6}?)[”」』\"]?(?=[，。；、,;（(\s]|以|并|出任|担任|任|的|为|后|是|旗下|$)"
)
_KIND_GAP = re.compile("(?:" + "|".join(KINDS) + ')?[“「『"]?')  # a kind, an opening quote
_OBJECT_VERBS = re.compile(
    r"(?:联合|共同)?(?:创办|创立|创建)|(?:联合|共同)成立|加盟|加入|转投|转赴|转往|离开|出走|回归|跳槽(?:至|到)?"
)
_NOT_ORG = re.compile(
    r"自己|官|长|主席|董事|总裁|经理|教练|主帅|职|部门|团队|顾问|负责人|合伙人|代理"
    r"|^(?:公募|私募|券商|投行|外企|国企|央企|民企|大厂)$"  # "转投公募": a sector, not a name
)


_NOT_OBJECT = re.compile(r"(?:之|以)?[后前]|时|期间|当天|多年|不久")
_INDEFINITE = re.compile(r"[一某多几两这那每各][家位名所间]|某")  # "加入一家英资银行": no name
_CLAUSE_MARK = re.compile(r"[,;:，；：。]")
_TAKES_POST = frozenset({"出任", "担任", "就任", "接任", "接掌"})
# "加盟X，出任Y", "创立「X」，并出任执行长": a comma, then only the post verb, keeps X.
_POST_AFTER_COMMA = re.compile(r"[,，]\s*(?:并|并将|同时|and )?")
_TITLE_OWNER = re.compile(  # "出任墨汐互娱CFO": the name before the post is whose post it is
    r"([\u4e00-\u9fff]{2,8}?)(?<!副)(?=c[efotim]o\b|首席|董事长)"
)
_NOT_OWNER = re.compile(
    r"该|本|其|集团|公司|董事会|临时|代理|候任|联席|执行|高级|副|独立|全球|常务"
)


_INVESTEE = re.compile(
    r"(?:参与|领投|跟投|投资|入股)(?:了)?([\u4e00-\u9fff]{2,6}?)的(?:[a-z0-9+]{0,3}轮|种子轮|天使轮|融资|投资|股份|股权)"
)


def cjk_investees(text: str, folded: str) -> list[OrgSpan]:
    """ "参与雾港的A轮融资，并出任该公司董事": the company a funding round is in."""
    return [
        OrgSpan(hit.start(1), hit.end(1), text[hit.start(1) : hit.end(1)])
        for hit in _INVESTEE.finditer(folded)
        if not _NOT_ORG.search(hit.group(1))
    ]


def cjk_object(text: str, folded: str, trigger: Trigger, region: tuple[int, int]) -> OrgSpan | None:
    """ "创办澜栈", "离开雁栖": a Chinese object with no organisation suffix."""
    verb = folded[trigger.start : trigger.end]
    hit = _CJK_OBJECT.match(folded, trigger.end, region[1])
    if not _OBJECT_VERBS.fullmatch(verb) or hit is None:
        hit = _TITLE_OWNER.match(folded, trigger.end, region[1]) if verb in _TAKES_POST else None
    if hit is None or _NOT_ORG.search(hit.group(1)) or _NOT_OWNER.match(hit.group(1)):
        return None
    if _NOT_OBJECT.match(hit.group(1)):  # "出走之后", "离开后留下": a time, not a place
        return None
    if _INDEFINITE.match(folded, hit.start()):
        return None
    return OrgSpan(hit.start(1), hit.end(1), text[hit.start(1) : hit.end(1)])


def named_after_kind(
    text: str, folded: str, trigger: Trigger, region: tuple[int, int], found: OrgSpan
) -> OrgSpan:
    """ "加入医材新创公司昕禾医材": a kind of company right before a name describes it."""
    kind = (found.name or found.word).endswith(KINDS) or folded.startswith(KINDS, found.end)
    named = cjk_object(text, folded, trigger, region) if kind else None
    if named is None or named.start < found.end:
        return found
    gap = _KIND_GAP.fullmatch(folded, found.end, named.start)
    return named if gap is not None else found


def chained_object(
    text: str,
    folded: str,
    trigger: Trigger,
    triggers: Sequence[Trigger],
    orgs: Sequence[OrgSpan],
    found: OrgSpan | None,
) -> tuple[OrgSpan | None, bool]:
    """ "加入X担任Y", "joins X to serve as Y": a post right after a move's object is at X."""
    earlier = [t for t in triggers if t.end <= trigger.start and t.move in NEW_PLACE]
    if trigger.move not in NEW_PLACE or not earlier or not earlier[-1].takes_object:
        return found, False
    first = earlier[-1]
    span = (first.end, _clause_end(folded, first.end, trigger))
    if _CLAUSE_MARK.search(folded, *span):
        return found, False
    own = first_after(orgs, *span, 60)
    own = (
        named_after_kind(text, folded, first, span, own)
        if own
        else cjk_object(text, folded, first, span)
    )
    return (own, True) if own is not None and own.end <= trigger.start else (found, False)


def _clause_end(folded: str, start: int, trigger: Trigger) -> int:
    """Where the first move's object may end: before a comma followed only by the post."""
    mark = _CLAUSE_MARK.search(folded, start, trigger.start)
    if mark is None or folded[trigger.start : trigger.end] not in _TAKES_POST:
        return trigger.start
    comma = _POST_AFTER_COMMA.fullmatch(folded, mark.start(), trigger.start)
    return mark.start() if comma else trigger.start


def first_after(orgs: Sequence[OrgSpan], start: int, end: int, reach: int) -> OrgSpan | None:
    return next((o for o in orgs if start <= o.start < min(end, start + reach)), None)
