"""The ``rolecall extract`` JSON Lines contract."""

from __future__ import annotations

import io
import json

import pytest

from bot.contract import run_extract


def record(text: str, *, known: list[dict[str, object]] | None = None, **extra: object) -> str:
    watch = [{"name": "Mira Oda", "aliases": ["Oda"], "known_roles": known or []}]
    line = {"id": "x1", "lang": "en", "published": "2025-03-04", "title": "", "text": text,
            "watch": watch, "gold": [{"ignored": True}], **extra}  # fmt: skip
    return json.dumps(line)


def run(*lines: str) -> list[dict[str, object]]:
    out = io.StringIO()
    status = run_extract(lines, out)
    assert status == 0
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_run_extract_writes_events_and_alerts():
    (result,) = run(record("Quent Systems has appointed Mira Oda as chief financial officer."))

    assert result["id"] == "x1"
    assert [(e["person"], e["kind"], e["org"], e["when"]) for e in result["events"]] == [
        ("Mira Oda", "joined", "Quent Systems", "recent")
    ]
    assert [(a["person"], a["kind"], a["org"]) for a in result["alerts"]] == [
        ("Mira Oda", "joined", "Quent Systems")
    ]
    assert set(result["alerts"][0]) == {"person", "kind", "org", "title", "confidence", "evidence"}


def test_run_extract_alerts_only_on_what_the_records_lack():
    known = [{"org": "Quent Systems", "title": "CFO", "current": True}]
    (result,) = run(record("Mira Oda joined Quent Systems in 2019.", known=known))

    assert [e["kind"] for e in result["events"]] == ["joined"]
    assert result["alerts"] == []


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("{not json", id="not-json"),
        pytest.param("[1, 2]", id="not-an-object"),
        pytest.param(
            json.dumps({"id": "x2", "text": "t", "watch": [{"aliases": []}]}),
            id="watch-without-name",
        ),
        pytest.param(
            json.dumps({"id": "x3", "text": "t", "published": "yesterday"}), id="bad-date"
        ),
    ],
)
def test_run_extract_reports_a_bad_line_and_carries_on(line):
    bad, good = run(line, record("Mira Oda has left Quent Systems."))

    assert bad["error"]
    assert (bad["events"], bad["alerts"]) == ([], [])
    assert good["id"] == "x1"
    assert "error" not in good


def test_run_extract_keeps_input_order_and_skips_blank_lines():
    results = run(record("No news.", id="a"), "\n", record("No news either.", id="b"))

    assert [r["id"] for r in results] == ["a", "b"]
