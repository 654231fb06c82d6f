"""``python -m benchmarks.eval <eval dir> [corpus.jsonl ...]``: score the extractor per language.

Runs the ``rolecall extract`` contract over the corpus (``dev.jsonl`` by default) and prints
the table of the directory's own ``score.py``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from bot.contract import run_extract


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m benchmarks.eval <eval dir> [corpus.jsonl ...]", file=sys.stderr)
        return 2
    folder = Path(argv[0])
    corpora = [Path(name) for name in argv[1:]] or [folder / "dev.jsonl"]
    for corpus in corpora:
        print(corpus.name)
        _score(folder / "score.py", corpus)
    return 0


def _score(scorer: Path, corpus: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        predictions = Path(scratch) / "pred.jsonl"
        with corpus.open(encoding="utf-8") as lines, predictions.open("w", encoding="utf-8") as out:
            run_extract(lines, out)
        command = [sys.executable, str(scorer), str(corpus), str(predictions), "--by", "lang"]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
