"""People the item names who are not watched: "Her predecessor, Gideon Lusk, …", "said
Tomas Reyl", "总裁蔺某表示". A pronoun after one of them is not about a watched person."""

from __future__ import annotations

import re

_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_FULL = rf"(?<![\w.])({_NAME}) ((?:van |de |von )?{_NAME})(?![\w&])"
_CUED = re.compile(
    rf"(?:\b(?:said|says|told|hired|named|appointed|promoted|poached|replaced|succeeded|"
    rf"Mr\.?|Ms\.?|Mrs\.?|Dr\.?) |\b(?:predecessor|successor|deputy|colleague|wife|husband|brother|sister|son|daughter|father|mother|assistant)"
    rf"(?:[^,.]{{0,30}}, | )){_FULL}|{_FULL}(?=, \d{{2}},|, who\b)"
)
_CJK_TITLE = (
    r"(?:总裁|董事长|总经理|主席|行长|执行长|创始人|合伙人|分析师|教授|主任|"
    r"财务长|财务总监|技术长|营运长|投资长|首席[\u4e00-\u9fff]{2,4}官)"
)
# A title, a name, then a speech verb or the news of the name's own move ("财务长X上月也已
# 提出辞呈"): a person, so a later 他 is theirs, not a watched person's.
_CJK_CUED = re.compile(
    _CJK_TITLE + r"([\u4e00-\u9fff]{2,3}?)(?=表示|称|说|认为|回忆|透露|指出|去年|今年|曾|早年|"
    r"上月|本月|也已|已于|已经|提出辞|提交辞)"
)


def stranger_spans(text: str, folded: str) -> list[tuple[int, int]]:
    """Where unwatched people are named: a cued full name, then each later naming of its
    last word alone ("Amory left …"); a Chinese name between a title and a speech verb."""
    spans: list[tuple[int, int]] = []
    surnames: set[str] = set()
    for hit in _CUED.finditer(text):
        first = 1 if hit.group(1) else 3
        spans.append((hit.start(first), hit.end(first + 1)))
        surnames.add(hit.group(first + 1))
    for surname in surnames:
        spans.extend((m.start(), m.end()) for m in re.finditer(rf"\b{surname}\b", text))
    spans.extend((m.start(1), m.end(1)) for m in _CJK_CUED.finditer(folded))
    return sorted(set(spans))
