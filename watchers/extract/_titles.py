"""Job titles in both languages: CEO, chief scientist, 首席执行官, 行政總裁, 董事 ..."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from watchers.text import fold, has_cjk

_MODIFIER = (
    r"(?:(?:interim|acting|incoming|executive|independent|non-executive|deputy|senior|co-)\s*)*"
)
_ENGLISH = (
    r"chief [a-z]+ officer|chief executive|chief scientist|chief economist|chief [a-z]+ strategist"
    r"|c[efotim]o|co-ceos?|co-chief executive officers?|president|chairman|chairwoman|chair"
    r"|vice[- ]chair(?:man)?|vice president|svp|evp|vp|general counsel|managing director"
    r"|board member|director|head of [a-z]+(?: [a-z]+)?|manager|head coach|coach|provost"
    r"|finance chief|partner|governor|treasurer|dean|professor|faculty|adviser|advisor"
    r"|(?:board|supervisory board) chair"
)
_CHINESE = (
    r"[\u4e00-\u9fff]{0,6}?(?:首席[\u4e00-\u9fff]{1,4}?官|首席科学家|首席经济学家|首席执行官|行政总裁"
    r"|执行长|总裁|董事长|副董事长|董事会主席|主席|副主席|总经理|副总经理|财务总监|财务长|营运长"
    r"|技术长|执行董事|独立董事|董事|副行长|行长|校长|院长|主教练|主帅|教授|合伙人|负责人|高级顾问"
    r"|顾问|总监|副总裁)"
)
_TITLE = re.compile(r"\b" + _MODIFIER + r"(?:" + _ENGLISH + r")s?\b|(?:代理|临时|候任)?" + _CHINESE)
_CJK_TRIM = re.compile(
    r".*(?:[为任的和与及、，,将已由并兼]|出任|担任|接任|升任|聘任|委任|任命|公司|本行)"
)

_GENERIC_PREFIX = re.compile(r"(?:该|本|其)(?:公司|集团|学院|大学|银行|机构|基金|行|校|院)(?=.{2})")


@dataclass(frozen=True, slots=True)
class TitleSpan:
    start: int
    end: int
    title: str


def find_titles(text: str, folded: str, cuts: Sequence[int] = ()) -> list[TitleSpan]:
    """Titles named in one sentence, in order (``text`` and ``folded`` share offsets).

    ``cuts`` are offsets a title cannot reach back over (the end of a person's name or of
    a trigger word): "阮听松代行总裁" holds the title 总裁.
    """
    spans: list[TitleSpan] = []
    for hit in _TITLE.finditer(folded):
        start = _trim_start(folded, hit.start(), hit.end())
        start = max([start, *(c for c in cuts if start < c < hit.end())])
        if hit.end() - start >= 2 or not has_cjk(folded[start : hit.end()]):
            spans.append(TitleSpan(start, hit.end(), text[start : hit.end()].strip()))
    return spans


def _trim_start(folded: str, start: int, end: int) -> int:
    """Chinese titles start after the last verb or particle caught before them."""
    trim = _CJK_TRIM.match(folded, start, end)
    return trim.end() if trim else start


def without_org(title: str | None, orgs: Iterable[str]) -> str | None:
    """ "溪石智能首席技术官" at 溪石智能 is "首席技术官"; "该学院客座教授" is "客座教授"."""
    if title is None:
        return None
    folded = fold(title)
    for name in sorted(orgs, key=len, reverse=True):
        key, at = fold(name), fold(title).find(fold(name)) if name else -1
        if key and at >= 0 and len(folded) > at + len(key) + 1:
            return _strip_link(title[at + len(key) :])
    generic = _GENERIC_PREFIX.match(folded)
    return _strip_link(title[generic.end() :]) if generic else title


def _strip_link(rest: str) -> str:
    return rest.lstrip(" 's’的").strip() or rest
