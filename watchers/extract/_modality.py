"""Whether a sentence asserts a move: denied, negated, hypothetical, rumoured or history."""

from __future__ import annotations

import re
from enum import Enum

from watchers.extract._lexicon import Move


class Modality(Enum):
    asserted = "asserted"
    rumoured = "rumoured"
    unreal = "unreal"  # denied, negated or hypothetical: no event


_DENIAL = re.compile(
    r"\bden(?:y|ies|ied|ying)\b|\bno truth\b"
    r"|\bdismissed (?:a|the) (?:\w+ )?(?:report|speculation|talk|rumou?r|suggestion|idea)"
    r"|\bunfounded\b|\bfalse report|否认|不实|谣言|纯属|澄清|与事实不符"
)
_HYPOTHETICAL = re.compile(
    r"(?:^|\W)if\b|\bunless\b|\bwhether\b|\bcould\b|\bmight\b|\bwould (?:probably|likely|have to)"
    r"|\bshould\b|\bwould (?:like|prefer|rather)\b"
    r"|如果|假如|倘若|一旦|若(?!干)|会考虑|应该|应当|是否|会否|能否|可否"
    r"|\b(?:departure|exit|resignation|retirement|appointment|arrival|hiring|loss)\b"
    r"[^.;,]{0,24}?\bwould\b"  # "X's departure would be a blow": a supposition
)
_RUMOUR = re.compile(
    r"\breportedly\b|\bin (?:advanced |early |final )?talks\b|people familiar|sources? (?:said|say)"
    r"|according to (?:\w+ )?(?:people|sources|persons)|\bis said to\b|\brumou?r|据传|传出|据悉"
    r"|消息人士|知情人士|传闻|洽谈|有望|^传|可能|或将|\bspeculation\b|不评论|不予置评|流传"
    r"|自媒体|网传|有消息称|媒体报[道导]|盛传|风传|传言|\bis tipped to\b"
)
_NEGATION = re.compile(
    r"(?:\bno (?:plans?|intention)\b|\bnot\b|\bnever\b|n't\b)[^.;,]{0,14}$"
    r"|(?:没有|并无|不会|无意|不打算|不参与|未|不(?![再仅但]))[\u4e00-\u9fff]{0,5}$"
    r"|(?:打算|有意|想要|邀请[\u3007\u4e00-\u9fff]{0,4})$|\binvited (?:him|her|them) to $"
    r"|\b(?:thinking|thought|talk(?:ed|ing)?) (?:of|about) $|\bconsider(?:s|ed|ing)? $"  # an intention
)
_DESCRIPTOR = re.compile(
    r"曾(?:经)?(?:在[^，,。；;]{1,12})?[\u4e00-\u9fff]{0,2}$|(?:此前|先前|早前|过去|之前|早年)[^，,。；;]{0,10}$"
    r"|自[^，,。；;]{1,12}(?:起|以来)$|(?:目前|现时|一直|长期)$"  # a tenure, not a move
    r"|\bonce $|\bpreviously $|\bformerly $|\bbefore $"
    r"|\b(?:first|only|youngest|oldest|second|last)\s+(?:[\w-]+\s+){0,3}(?:to )?$"  # "first woman to lead"
)
# "早年曾任职于X，担任Y": a post told right after a clause of history continues it
_HISTORY_CLAUSE = re.compile(
    r"(?:早年|曾经?|此前|先前|早前)[^，,。；;]{1,20}[，,](?:并|也|后|又)?$"
)
_BACKGROUND_AFTER = re.compile(
    r"[^，。；,;]{0,8}?(?:之前|以前|(?<![同临及准按暂])时(?!间)|的时候|期间)"
)
_MODIFIER_AFTER = re.compile(r"的(?!\u3007)")  # "回归的消息", "退休的大学教授": a modifier
_TIME_AFTER = re.compile(r"(?:之|以)?后(?!者)")
_POST_THEN = re.compile(r"[^，。；,;的]{1,6}?(?:之|以)?后(?!者)")  # "转任董事长后将专注于…"
_PREPOSITION = re.compile(r"\b(?:on|of|about|for|in|at|after|before) $")
_NOMINAL = re.compile(r"的$|\b(?:his|her|their|its)\s$")
# "left a Big Four firm", "担任一间青少年中心的义务主席": the place is one the item does not
# name, so the move is not at the records' employer nor at the last name in the item. In
# English only a departure: "was appointed a director of X" names a post, not a place.
_UNNAMED_PLACE_LEFT = re.compile(r" (?:a|an|another) (?!(?:new |similar )?(?:role|post|job)\b)")
_UNNAMED_PLACE_CJK = re.compile(r"于?(?:一[间家所个]|多[个家])")


def sentence_modality(folded: str) -> Modality:
    """How the whole sentence stands: a denial or a condition voids every move in it."""
    if _DENIAL.search(folded) or _HYPOTHETICAL.search(folded):
        return Modality.unreal
    if _RUMOUR.search(folded):
        return Modality.rumoured
    return Modality.asserted


def is_negated(folded: str, trigger_start: int, trigger_end: int) -> bool:
    """A negation or a descriptor (曾, once, "before joining", "加盟X之前") around the trigger."""
    before = folded[max(0, trigger_start - 16) : trigger_start]
    if _DESCRIPTOR.search(before) or _BACKGROUND_AFTER.match(folded, trigger_end):
        return True
    if _HISTORY_CLAUSE.search(folded, max(0, trigger_start - 26), trigger_start):
        return True
    if _NOMINAL.search(before):  # "卫澜清的加盟", "his departure": a noun, not a report
        return True
    if folded.endswith("ing", trigger_start, trigger_end) and _PREPOSITION.search(before):
        return True  # "focused on hiring": a noun
    return _NEGATION.search(before) is not None


def is_at_unnamed_place(folded: str, trigger_end: int, move: Move) -> bool:
    """A move whose object is an indefinite noun phrase happened somewhere unnamed. A
    founding is not asked: "创办一家…的新公司「X」" names it after the description."""
    if move is Move.leave and _UNNAMED_PLACE_LEFT.match(folded, trigger_end):
        return True
    return _UNNAMED_PLACE_CJK.match(folded, trigger_end) is not None


def is_modifier(folded: str, trigger_end: int) -> bool:
    """ "回归的消息", "退休的大学教授", "新加入的成员": a move word qualifying a noun describes,
    it does not report. "…卸任的〇〇" (masked name) still names who moved; a founding
    keeps its founder ("他创办的X") and is not asked."""
    return _MODIFIER_AFTER.match(folded, trigger_end) is not None


def is_time_reference(folded: str, trigger_end: int) -> bool:
    """ "上任后的第一件事", "就任后协助…", "转任董事长后将…": taking a post told as the time of
    something else. A departure stays a move ("闻若川离开后留下的空缺" says the person left)."""
    if _TIME_AFTER.match(folded, trigger_end):
        return True
    takes_post = folded.endswith("任", 0, trigger_end)  # a post, not a place, before 后
    return takes_post and _POST_THEN.match(folded, trigger_end) is not None
