"""The evaluation corpus stays out of the project.

The extractor is scored on a development corpus and on a held-out one with other people
and organisations. Only rules that generalise carry over, so no watched name or
organisation of the development corpus may appear in code, rules, tests, data or docs.
The corpus lives beside the repository (``../shared/eval``); without it there is nothing
to check.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "eval" / "dev.jsonl"
CHECKED = ("bot", "watchers", "store", "tests", "benchmarks", "docs")
SUFFIXES = {".py", ".md", ".yaml", ".yml", ".xml", ".json", ".txt", ".html"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _terms() -> set[str]:
    terms: set[str] = set()
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for watch in record["watch"]:
            terms.update([watch["name"], *watch.get("aliases", [])])
            terms.update(role["org"] for role in watch.get("known_roles", []))
        for gold in record.get("gold", []):
            terms.update([gold.get("org") or "", *gold.get("org_aliases", [])])
    return {term for term in terms if _distinctive(term)}


def _distinctive(term: str) -> bool:
    """Long enough to be a name rather than a common word ("the firm", "字节")."""
    if _CJK.search(term):
        return len(term) >= 3
    return len(term) >= 5 and term[0].isupper()


def _files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in CHECKED:
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in SUFFIXES]
    return [p for p in files if p.is_file() and p.resolve() != Path(__file__).resolve()]


def _pattern(term: str) -> re.Pattern[str]:
    if _CJK.search(term):
        return re.compile(re.escape(term))
    return re.compile(rf"(?<![A-Za-z]){re.escape(term)}(?![A-Za-z])")


@pytest.mark.skipif(not CORPUS.exists(), reason="the evaluation corpus is not beside the repo")
def test_no_corpus_name_appears_in_the_project() -> None:
    patterns = [(term, _pattern(term)) for term in sorted(_terms())]
    found = {
        f"{path.relative_to(ROOT)}: {term}"
        for path in _files()
        for term, pattern in patterns
        if pattern.search(path.read_text(encoding="utf-8", errors="replace"))
    }

    assert not found, "corpus names in the project:\n" + "\n".join(sorted(found))
