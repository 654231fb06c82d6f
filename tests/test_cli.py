"""The ``rolecall`` command as a person runs it: demo, check and digest."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from watchers.text import to_simplified


def _rolecall(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True, text=True, timeout=180, env=env or dict(os.environ), check=False,
    )  # fmt: skip


def _config(tmp_path: Path, body: dict[str, object]) -> Path:
    path = tmp_path / "rolecall.yaml"
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def demo() -> subprocess.CompletedProcess[str]:
    return _rolecall("demo")


def test_demo_prints_alerts_from_all_three_scripts(demo: subprocess.CompletedProcess[str]) -> None:
    assert demo.returncode == 0, demo.stderr
    alerts, _, digest = demo.stdout.partition("== Weekly digest ==")
    assert "Hollis Brandvold left Quillfeather Robotics" in alerts
    assert "Tobias Ferreira-Lund joined Corvane Systems" in alerts
    assert "卫澜清 joined 砺星智能" in to_simplified(alerts)
    assert "莊以寧 left 嘉澍物流" in alerts  # a move told only in the traditional-script feed
    assert "Moves" in digest
    assert "Most mentioned" in digest


def test_demo_does_not_alert_on_denials_or_plain_mentions(
    demo: subprocess.CompletedProcess[str],
) -> None:
    alerts = demo.stdout.partition("== Weekly digest ==")[0]
    assert "郑砚秋" not in to_simplified(alerts)
    assert to_simplified(alerts).count("卫澜清 joined 砺星智能") == 1


def test_check_summarises_a_good_config(tmp_path: Path) -> None:
    config = _config(
        tmp_path,
        {
            "sources": [{"url": "https://news.example/feed.xml", "every": "5m"}],
            "people": [{"name": "Odile Faraday", "aliases": ["Faraday"]}],
        },
    )

    result = _rolecall("check", "--config", str(config))

    assert result.returncode == 0, result.stderr
    assert "People: 1" in result.stdout
    assert "Sources: 1 feeds" in result.stdout


def test_check_names_file_line_and_field_of_a_mistake(tmp_path: Path) -> None:
    config = tmp_path / "rolecall.yaml"
    config.write_text("people:\n  - name: Odile Faraday\n    aliasses: [Faraday]\n", "utf-8")

    result = _rolecall("check", "--config", str(config))

    assert result.returncode == 2
    assert "rolecall.yaml:3: people[0].aliasses" in result.stderr
    assert not (tmp_path / "rolecall.db").exists()


def test_digest_rejects_a_malformed_week(tmp_path: Path) -> None:
    config = _config(tmp_path, {"database": f"sqlite:///{tmp_path / 'r.db'}", "people": []})

    result = _rolecall("digest", "--week", "2025-33", "--config", str(config))

    assert result.returncode == 2
    assert "ISO week" in result.stderr


def test_digest_of_an_empty_week_says_so(tmp_path: Path) -> None:
    config = _config(tmp_path, {"database": f"sqlite:///{tmp_path / 'r.db'}", "people": []})

    result = _rolecall("digest", "--week", "2025-W33", "--config", str(config))

    assert result.returncode == 0, result.stderr
    assert "2025-W33" in result.stdout
    assert "No moves this week." in result.stdout
