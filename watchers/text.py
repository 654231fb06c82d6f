"""Text normalisation shared by the stages: one script, one case, one form of a name."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NON_WORD = re.compile(r"[\W_]+")
_ORG_SUFFIXES = frozenset(
    {
        "inc", "incorporated", "llc", "ltd", "limited", "corp", "corporation", "co",
        "company", "plc", "ag", "sa", "nv", "gmbh", "group", "holdings", "holding",
    }
)  # fmt: skip
_CJK_ORG_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "控股", "集团", "公司")


# Every character with a non-zero combining class, mapped to nothing for ``str.translate``:
# one C-level pass instead of a Python loop per character (folding every item's text is
# most of the matching stage's cost). Unicode has combining marks in planes 0 and 1 only;
# looking at those alone takes a tenth of the time, at every start of a process.
_COMBINING_MARKS = dict.fromkeys(cp for cp in range(0x20000) if unicodedata.combining(chr(cp)))


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def to_simplified(text: str) -> str:
    """Traditional Chinese to simplified; other text passes through unchanged."""
    return str(_T2S.convert(text)) if has_cjk(text) else text


def to_traditional(text: str) -> str:
    return str(_s2t().convert(text)) if has_cjk(text) else text


@cache
def _s2t() -> opencc.OpenCC:
    """Loaded when first needed: loading a converter's dictionaries is a start's 25 ms."""
    return opencc.OpenCC("s2t")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed
    return decomposed.translate(_COMBINING_MARKS)


def fold(text: str) -> str:
    """The form names are compared in: NFKD, no accents, casefolded, simplified script.

    Offsets in the folded text are not offsets in the original: casefolding turns a few
    characters into two ("ß" into "ss"), so compare folded strings, never positions.
    """
    # No NFKC first: strip_accents decomposes with NFKD, and NFKD(NFKC(x)) == NFKD(x), so
    # it changed nothing but cost half of the folding of an item's text.
    return to_simplified(strip_accents(text).casefold())


@lru_cache(maxsize=65536)
def org_key(name: str) -> str:
    """A comparison key for an organisation: folded, punctuation and legal suffixes dropped.

    "Acme Holdings, Inc." and "ACME" share a key; so do "星河科技有限公司" and "星河科技".
    """
    words = _NON_WORD.sub(" ", fold(name)).split()
    while len(words) > 1 and words[-1] in _ORG_SUFFIXES:
        words.pop()
    if words and words[0] == "the" and len(words) > 1:
        words.pop(0)
    key = "".join(words)
    for suffix in _CJK_ORG_SUFFIXES:
        if has_cjk(key) and key.endswith(suffix) and len(key) > len(suffix) + 1:
            return key[: -len(suffix)]
    return key


def same_org(a: str | None, b: str | None) -> bool:
    """Whether two names plausibly denote one organisation.

    Equal keys, or one key begins the other ("Acme" / "Acme Robotics"); for Chinese,
    one contains the other ("星河" / "星河科技").
    """
    if not a or not b:
        return False
    ka, kb = org_key(a), org_key(b)
    if not ka or not kb:
        return False
    short, long_ = sorted((ka, kb), key=len)
    if long_.startswith(short) and (len(short) >= 3 or short == long_):
        return True
    return has_cjk(short) and len(short) >= 2 and short in long_
