"""diff_roles: which events add to or contradict the known roles."""

from __future__ import annotations

import hashlib

import pytest

from watchers.diff import diff_roles
from watchers.models import KnownRole, MoveKind, PersonnelEvent, When


def event(
    kind: MoveKind,
    org: str | None,
    *,
    title: str | None = None,
    when: When = When.recent,
    rumour: bool = False,
    url: str = "https://news.example/a",
    confidence: float = 0.9,
) -> PersonnelEvent:
    return PersonnelEvent(person_id=1, person_name="Mira Oda", kind=kind, org=org, title=title, when=when,
                          confidence=confidence, evidence="a sentence", is_rumour=rumour, url=url)  # fmt: skip


def role(org: str, title: str | None = None, *, current: bool = True) -> KnownRole:
    return KnownRole(org=org, title=title, current=current)


J, L, F, R = MoveKind.joined, MoveKind.left, MoveKind.founded, MoveKind.role_changed


@pytest.mark.parametrize(
    ("events", "roles", "expected"),
    [
        pytest.param(
            [event(J, "Quent Systems")], [], [(J, "Quent Systems")], id="new-organisation"
        ),
        pytest.param(
            [event(J, "Quent Systems")], [role("Quent Systems Inc.")], [], id="already-works-there"
        ),
        pytest.param(
            [event(J, "Quent")], [role("Quent", current=False)], [(J, "Quent")], id="returns"
        ),
        pytest.param(
            [event(J, "Quent", when=When.past)],
            [role("Quent", current=False)],
            [],
            id="past-join-on-record",
        ),
        pytest.param(
            [event(L, "Tallis Foods")],
            [role("Tallis Foods", "CFO")],
            [(L, "Tallis Foods")],
            id="departure-from-current-role",
        ),
        pytest.param(
            [event(L, "Tallis Foods")],
            [role("Tallis Foods", current=False)],
            [],
            id="departure-already-recorded",
        ),
        pytest.param(
            [event(L, "Tallis Foods", when=When.past)],
            [role("Tallis Foods")],
            [(L, "Tallis Foods")],
            id="past-departure-contradicts-stale-record",
        ),
        pytest.param(
            [event(L, "Gantry")],
            [role("Tallis", current=False)],
            [],
            id="departure-unknown-with-no-current-role",
        ),
        pytest.param(
            [event(L, "Gantry Mills")],
            [role("Tallis", "CFO")],
            [],
            id="departure-from-a-place-not-on-record",
        ),
        pytest.param(
            [event(F, "Fernhill Bio", when=When.past)],
            [],
            [(F, "Fernhill Bio")],
            id="past-founding-not-on-record",
        ),
        pytest.param(
            [event(F, "Fernhill Bio")],
            [role("Fernhill Bio", "founder")],
            [],
            id="founding-on-record",
        ),
        pytest.param(
            [event(R, "Tallis", title="COO")],
            [role("Tallis", "CFO")],
            [(R, "Tallis")],
            id="new-title",
        ),
        pytest.param(
            [event(R, "Tallis", title="CFO")], [role("Tallis", "cfo")], [], id="same-title"
        ),
        pytest.param([event(J, "霓岭")], [role("霓岭控股集团")], [], id="chinese-short-name"),
        pytest.param(
            [event(J, "霁月銀行")], [role("霁月银行")], [], id="traditional-vs-simplified"
        ),
        pytest.param(
            [event(J, "Gantry Mills", when=When.past)],
            [role("Tallis", "CFO")],
            [],
            id="past-join-elsewhere-while-the-current-role-stands",
        ),
        pytest.param(
            [event(L, "Tallis", when=When.past), event(F, "Fernhill Bio", when=When.past)],
            [role("Tallis", "CFO")],
            [(L, "Tallis"), (F, "Fernhill Bio")],
            id="past-founding-after-leaving-the-current-role",
        ),
        pytest.param(
            [
                event(L, "Tallis", when=When.past),
                event(J, "Gantry Mills", when=When.past),
                event(J, "Tallis", title="CFO", when=When.past),
            ],
            [role("Tallis", "CFO")],
            [],
            id="left-and-came-back-is-history",
        ),
        pytest.param(
            [event(R, "霓岭控股", title="财务总监")],
            [role("霓岭控股", "集团财务总监")],
            [],
            id="group-scope-is-the-same-title",
        ),
        pytest.param(
            [event(J, "Quent", url="u1"), event(J, "Quent Systems", url="u2")],
            [],
            [(J, "Quent")],
            id="many-outlets-one-change",
        ),
    ],
)
def test_diff_roles(events, roles, expected):
    changes = diff_roles(events, {1: roles})

    assert [(c.kind, c.org) for c in changes] == expected


def test_diff_roles_collapses_reports_and_keeps_their_urls():
    changes = diff_roles([event(J, "Quent", url="u1"), event(J, "QUENT", url="u2")], {})

    assert [c.urls for c in changes] == [("u1", "u2")]


def test_diff_roles_dedupe_key_is_person_kind_org():
    (change,) = diff_roles([event(J, "Quent Systems, Inc.")], {})

    assert change.dedupe_key == hashlib.sha256(b"1|joined|quentsystems").hexdigest()


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        pytest.param([event(J, "Quent", rumour=True, confidence=0.4)], True, id="rumour-only"),
        pytest.param(
            [event(J, "Quent", rumour=True), event(J, "Quent")], False, id="confirmed-elsewhere"
        ),
    ],
)
def test_diff_roles_marks_rumours(events, expected):
    assert [c.is_rumour for c in diff_roles(events, {})] == [expected]


@pytest.mark.parametrize(
    ("events", "roles", "expected"),
    [
        pytest.param(
            [event(L, "Tallis")], [role("Tallis", "CFO")], role("Tallis", "CFO"), id="left-role"
        ),
        pytest.param(
            [event(R, "Tallis", title="COO")],
            [role("Tallis", "CFO")],
            role("Tallis", "CFO"),
            id="replaced-title",
        ),
        pytest.param([event(J, "Quent")], [role("Tallis", "CFO")], None, id="new-employer"),
    ],
)
def test_diff_roles_before_is_the_contradicted_role(events, roles, expected):
    assert [c.before for c in diff_roles(events, {1: roles})] == [expected]
