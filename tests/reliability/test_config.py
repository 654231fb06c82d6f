"""Broken config files at the command line: a clear message, exit status 2, no database.

Each file below names a database; whatever ``rolecall`` is asked to do with a broken file
(``check``, ``run``, ``run --once``, ``digest``, ``db upgrade``), it says which file,
line and field to fix, exits with status 2 and leaves that database as it was: not
created when absent, not a byte changed when present.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from tests.reliability.world import rolecall_argv, rolecall_env

CASES = [
    pytest.param("people:\n  - name: [Ada\n", "4: invalid YAML", id="bad-yaml"),
    pytest.param("colour: blue\n", "2: colour: unknown key", id="unknown-key"),
    pytest.param(
        "telegram:\n  chats: five\n", "3: telegram.chats: must be a list", id="wrong-type"
    ),
    pytest.param(
        "people:\n  - name: '  '\n", "3: people[0].name: must not be empty", id="empty-name"
    ),
    pytest.param(
        "people:\n  - name: Ada Quill\n  - name: ADA QUILL\n",
        "4: people[1].name: duplicate of people[0]",
        id="duplicate-person",
    ),
    pytest.param(
        "sources:\n  - url: ftp://files.example/feed.xml\n",
        "3: sources[0].url: must be an http, https or file URL",
        id="bad-url",
    ),
    pytest.param(
        "schedule:\n  poll: soon\n",
        "3: schedule.poll: must be a positive duration",
        id="bad-interval",
    ),
    pytest.param(
        "sources:\n  - url: https://wire.example/rss\n    every: 0m\n",
        "4: sources[0].every: must be a positive duration",
        id="zero-interval",
    ),
    pytest.param(
        "telegram:\n  token: ${TELEGRAM_BOT_TOKEN}\n",
        "3: telegram.token: environment variable TELEGRAM_BOT_TOKEN is not set",
        id="missing-token-variable",
    ),
]
COMMANDS = [
    pytest.param(["check"], id="check"),
    pytest.param(["run"], id="run"),
    pytest.param(["run", "--once"], id="run-once"),
    pytest.param(["digest"], id="digest"),
    pytest.param(["db", "upgrade"], id="db-upgrade"),
]


def _broken(tmp_path: Path, body: str) -> tuple[Path, Path]:
    database = tmp_path / "rolecall.db"
    config = tmp_path / "broken.yaml"
    config.write_text(f"database: sqlite:///{database}\n{body}", encoding="utf-8")
    return config, database


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("body", "where"), CASES)
def test_broken_config_is_named_and_nothing_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], body: str, where: str
) -> None:
    config, _ = _broken(tmp_path, body)

    with pytest.raises(SystemExit) as exited:
        main([*command, "--config", str(config)])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"rolecall: broken.yaml:{where}" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


def test_broken_config_leaves_an_existing_database_alone(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(f"database: sqlite:///{tmp_path / 'rolecall.db'}\n", encoding="utf-8")
    subprocess.run(
        rolecall_argv("db", "upgrade", "--config", str(good)), env=rolecall_env(), check=True,
        capture_output=True, timeout=120,
    )  # fmt: skip
    config, database = _broken(tmp_path, "people:\n  - name: ''\n")
    before = {p.name: _digest(p) for p in tmp_path.iterdir()}

    done = subprocess.run(
        rolecall_argv("run", "--config", str(config)), env=rolecall_env(TELEGRAM_BOT_TOKEN=""),
        check=False, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert done.returncode == 2
    assert done.stderr == "rolecall: broken.yaml:3: people[0].name: must not be empty\n"
    assert {p.name: _digest(p) for p in tmp_path.iterdir()} == before
    assert database.exists()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() + str(path.stat().st_mtime_ns)
