"""The words that say someone moved, per language, each with the move it says."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum


class Move(Enum):
    """What a trigger says, before the known roles decide joined or role_changed."""

    appoint = "appoint"  # joined, or role_changed at an organisation the person holds
    promote = "promote"  # role_changed
    leave = "leave"
    found = "found"
    stay = "stay"  # keeps a role: turns a departure at the same place into role_changed
    succeeded_by = "succeeded_by"  # the move belongs to the person named next
    replace = "replace"  # the person named next probably left


NEW_PLACE = frozenset({Move.appoint, Move.found, Move.succeeded_by})


@dataclass(frozen=True, slots=True)
class Trigger:
    """One trigger word found in a sentence (offsets are the sentence's)."""

    move: Move
    start: int
    end: int
    takes_object: bool  # the organisation usually follows ("joins X", "加盟X")


_ENGLISH: tuple[tuple[Move, bool, str], ...] = (
    (Move.promote, False, (r"return(?:s|ed|ing)? to (?:the|his|her|their) (?:faculty|previous"
     r" (?:post|role|position)|former (?:post|role|position)|teaching)")),
    (Move.leave, True, (r"(?:hir|lur|poach)(?:e|es|ed|ing)? \w+ away from|(?:hir|lur|poach)(?:e|es|ed|ing)"
     r" away from|not (?:to )?(?:seek|stand for) re-?election")),
    (Move.appoint, True, r"(?:leav(?:e|es|ing)|left|depart(?:s|ed|ing)?) for"),
    (Move.leave, True, r"(?:(?:re)?join(?:s|ed|ing)?|come(?:s)?|came|coming|arriv(?:e|es|ed|ing)) from"),
    (Move.succeeded_by, False, r"(?:be|been|was|is|being) succeeded\b(?:\W+\w+){0,6}?\W+by"),
    (Move.succeeded_by, False, (r"(?:hand(?:s|ed|ing)?|pass(?:es|ed|ing)?)(?: over)? (?:the )?(?:leadership|reins"
     r"|top job|helm|baton|chief executive role|ceo role)\b(?:\W+\w+){0,4}?\W+to")),
    (Move.replace, False, (r"(?:announc\w+|confirm\w+|mark\w*) the (?:retirement|departure|resignation|exit)"
     r" of")),
    (Move.appoint, True, r"['’]s (?:appointment|hiring|election) (?:as|to)|take(?:s|n)? the (?:top job|reins)"),
    (Move.leave, True, r"['’]s (?:departure|exit|resignation|retirement)(?: (?:from|as))?"),
    (Move.replace, False, r"following the (?:retirement|departure|resignation|exit|ouster) of"),
    (Move.appoint, True, (r"(?:re)?join(?:s|ed|ing)?|return(?:s|ed|ing)? (?:as|to)|"
     r"becom(?:e|es|ing)|(?:will |to |would )?serve as|serving as|take(?:s|n)? (?:over|charge)")),
    (Move.appoint, True, (r"named|names|appoint(?:s|ed)?|(?:re)?hire(?:s|d)?|hiring|poach(?:es|ed)"
     r"|tap(?:s|ped)|picks|picked|recruit(?:s|ed)?|elect(?:s|ed)|brings? back|brought back"
     r"|lure(?:s|d)|install(?:s|ed)|chosen|selected|to lead|will lead")),
    (Move.appoint, False, r"succeed(?:s|ing)?|replac(?:e|es|ing)|takes? the helm"),
    (Move.promote, False, r"promot(?:e|es|ed|ing)|elevat(?:e|es|ed)|reassign(?:s|ed)?|upgraded"),
    (Move.leave, True, r"leav(?:e|es|ing)|left|quit(?:s|ting)?|exit(?:s|ed|ing)?|depart(?:s|ed|ing)?"),
    (Move.leave, True, (r"resign(?:s|ed|ing)?|step(?:s|ped|ping)? (?:down|aside)|retir(?:e|es|ed|ing)"
     r"|ous(?:t|ts|ted)|fired|dismissed|sacked|removed|pushed out|forced out|let go")),
    (Move.found, True, (r"co-?found(?:s|ed)|founded|founds|to (?:co-?)?found|set(?:s|ting)? up|"
     r"(?:launch(?:es|ed|ing)?|start(?:s|ed|ing)?) (?:a|an|his|her|their) (?:own )?"
     r"(?:[\w-]+ ){0,3}?(?:company|firm|fund|startup|start-up|venture)")),
    (Move.stay, False, (r"remain(?:s|ing)? (?:as|on|with the (?:company|firm|group))|stay(?:s|ing)? on at|stay(?:s|ing)? (?:on )?as|keep(?:s|ing)? "
     r"(?:his|her|the) (?:role|title|post|seat)")),
)  # fmt: skip

_CHINESE: tuple[tuple[Move, bool, str], ...] = (
    (Move.leave, True, (r"辞任|不再(?:在[\u4e00-\u9fff]{1,8}?)?(?:担任|任职)|辞去|卸任|卸下|离开|出走|免去|撤换|罢免"
     r"|解除(?=[^，。；]{0,16}职务)"
     r"|不(?:会|再)?(?:在[\u4e00-\u9fff]{1,10}?)?(?:寻求|争取)连任")),
    (Move.leave, False, (r"请辞|辞职|离职|退休|退任|免职|解职|撤职|离任|下台|离队|被解雇|辞退|(?:提交|递交|呈交)辞呈"
     r"|解除(?:合同|合约)|终止合同|解约")),
    (Move.stay, False, (r"继续担任|继续兼任|仍担任|仍将担任|专任|留任|续任|继续(?:为[\u4e00-\u9fff]{1,4})?服务"
     r"|(?:将|会)?(?:专注于|专注|负责)公司")),
    (Move.promote, False, r"升任|晋升|擢升|提拔|调任|改任|回到系上|回到学校"),
    (Move.found, True, r"(?:联合|共同)?(?:创办|创立|创建)(?!人|者|以来|之初|初期|至今)|(?:联合|共同)成立"),
    (Move.appoint, True, (r"跳槽(?:至|到)?|加盟|加入|出任|担任|接任|接掌|接棒|转投|转任|转战|转赴|转往|聘任|聘请|聘为|委任|指派"
     r"|任命|就任|履新|上任|回锅|回归|延揽|挖走|入职|当选|选出|补选|推选|推举|代行"
     r"|临时负责|暂时负责|暂代|代理(?=[,;，；。]|$)|(?<![为任命])署理(?=[\u4e00-\u9fff])")),
    (Move.appoint, False, r"接替|取代|(?:成为|被定为|确定为|被选为)[^，。；,;]{0,10}?(?:接班人|继任者|继任人)"),
)  # fmt: skip


def _compile(
    table: tuple[tuple[Move, bool, str], ...], bounded: bool
) -> list[tuple[Move, bool, re.Pattern[str]]]:
    edge = r"\b" if bounded else ""
    return [(move, obj, re.compile(edge + "(?:" + text + ")" + edge)) for move, obj, text in table]


_LATIN_PATTERNS = _compile(_ENGLISH, bounded=True)
_CJK_PATTERNS = _compile(_CHINESE, bounded=False)
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_HAS_LATIN = re.compile(r"[a-z]{2}")


_SUCCESSION = re.compile(r"succeed|replac|接替|取代")


def find_triggers(folded: str) -> list[Trigger]:
    """Trigger words in a folded sentence, in order, the earlier table winning overlaps.

    "A succeeds B" also says B probably left: a ``replace`` trigger rides along.
    """
    triggers: list[Trigger] = []
    patterns = (_LATIN_PATTERNS if _HAS_LATIN.search(folded) else []) + (
        _CJK_PATTERNS if _HAS_CJK.search(folded) else []
    )
    for move, takes_object, pattern in patterns:
        for hit in pattern.finditer(folded):
            if not any(t.start < hit.end() and hit.start() < t.end for t in triggers):
                triggers.append(Trigger(move, hit.start(), hit.end(), takes_object))
    riders = [
        Trigger(Move.replace, t.start, t.end, False)
        for t in triggers
        if t.move is Move.appoint and _SUCCESSION.match(folded, t.start)
    ]
    return sorted([*triggers, *riders], key=lambda t: t.start)
