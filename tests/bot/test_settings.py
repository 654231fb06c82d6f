"""The config file: defaults, ${VAR}s, search feeds, paths, and errors that name the line."""

from __future__ import annotations

import textwrap
from datetime import time, timedelta
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, check_summary, config_cache_dir, load_settings
from watchers.models import KnownRole

FIXTURES = Path(__file__).parent.parent / "fixtures" / "config"
TOKEN = "123456:secret-token-value"


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rolecall.yaml"
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str, environ: dict[str, str] | None = None) -> Settings:
    return load_settings(write_config(tmp_path, text), environ=environ or {})


def test_load_settings_reads_every_key_of_the_full_example() -> None:
    settings = load_settings(FIXTURES / "full.yaml", environ={"TELEGRAM_BOT_TOKEN": TOKEN})

    assert settings.timezone.key == "Asia/Shanghai"
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == TOKEN
    assert settings.telegram.chats == (111222333, -100444555)
    assert settings.telegram.api_url == "http://127.0.0.1:8081/bot"
    assert settings.poll_interval == timedelta(minutes=20)
    assert (settings.digest_weekday, settings.digest_time) == (4, time(17, 30))
    assert settings.sources[0].every == timedelta(minutes=5)
    assert settings.sources[1].every is None
    assert settings.retention == timedelta(days=30)
    assert settings.metrics_port == 9464
    assert settings.people[0].aliases == ("M. Quillfeather", "奎米拉")
    assert settings.people[0].roles == (
        KnownRole(org="Lanternworks", title="chief scientist"),
        KnownRole(org="Old Pier Labs", current=False),
    )


def test_load_settings_applies_defaults(tmp_path: Path) -> None:
    settings = load_settings(FIXTURES / "minimal.yaml", environ={})

    assert settings.timezone.key == "UTC"
    assert settings.telegram.token is None
    assert settings.telegram.chats == ()
    assert settings.poll_interval == timedelta(minutes=15)
    assert (settings.digest_weekday, settings.digest_time) == (0, time(9, 0))
    assert settings.retention == timedelta(days=90)
    assert settings.metrics_port is None
    assert settings.database == f"sqlite:///{FIXTURES.resolve() / 'rolecall.db'}"


def test_load_settings_accepts_an_empty_file(tmp_path: Path) -> None:
    settings = load_text(tmp_path, "# nothing yet\n")

    assert settings.people == ()
    assert settings.source_specs() == []


def test_token_never_shows_in_repr_or_summary() -> None:
    settings = load_settings(FIXTURES / "full.yaml", environ={"TELEGRAM_BOT_TOKEN": TOKEN})

    assert TOKEN not in repr(settings)
    assert TOKEN not in str(settings.telegram.token)
    assert TOKEN not in check_summary(settings)


def test_relative_paths_resolve_against_the_config_folder() -> None:
    settings = load_settings(FIXTURES / "full.yaml", environ={"TELEGRAM_BOT_TOKEN": TOKEN})

    folder = FIXTURES.resolve()
    assert settings.database == f"sqlite:///{folder / 'data' / 'rolecall.db'}"
    assert settings.sources[1].url == (folder / "feeds" / "local.xml").as_uri()
    assert settings.sources[2].url == "file:///srv/feeds/absolute.xml"


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("sqlite:////var/lib/rolecall.db", id="absolute-sqlite"),
        pytest.param("sqlite:///:memory:", id="memory"),
        pytest.param("postgresql+psycopg://bot@127.0.0.1:5432/rolecall", id="postgres"),
    ],
)
def test_other_databases_are_kept_as_written(tmp_path: Path, database: str) -> None:
    settings = load_text(tmp_path, f"database: '{database}'\n")

    assert settings.database == database


def test_search_templates_expand_per_person_after_the_sources() -> None:
    settings = load_settings(FIXTURES / "full.yaml", environ={"TELEGRAM_BOT_TOKEN": TOKEN})

    specs = settings.source_specs()

    assert specs[0] == ("https://news.example.org/feed.xml", timedelta(minutes=5))
    assert specs[1][1] == timedelta(minutes=20)
    assert specs[3:] == [
        (
            "https://search.example.net/rss?q=%22Mira+Quillfeather%22&hl=en",
            timedelta(minutes=20),
        ),
        (
            "https://search.example.net/rss?q=%22%E9%92%B1%E6%99%93%E5%B8%86%22&hl=en",
            timedelta(minutes=20),
        ),
    ]


def test_source_specs_are_deduplicated_by_url(tmp_path: Path) -> None:
    settings = load_text(
        tmp_path,
        """
        sources:
          - url: "https://s.example.com/?q=%22Ada+Vint%22"
            every: 1h
          - url: https://t.example.com/feed
        search:
          - "https://s.example.com/?q={query}"
        people:
          - name: Ada Vint
        """,
    )

    assert settings.source_specs() == [
        ("https://s.example.com/?q=%22Ada+Vint%22", timedelta(hours=1)),
        ("https://t.example.com/feed", timedelta(minutes=15)),
    ]


def test_people_records_carry_names_aliases_and_roles() -> None:
    settings = load_settings(FIXTURES / "full.yaml", environ={"TELEGRAM_BOT_TOKEN": TOKEN})

    people = settings.people_records()

    assert [(p.id, p.name, p.aliases) for p in people] == [
        (0, "Mira Quillfeather", ("M. Quillfeather", "奎米拉")),
        (0, "钱晓帆", ("錢曉帆",)),
    ]
    assert people[0].current_roles == (KnownRole(org="Lanternworks", title="chief scientist"),)


def test_environment_variables_expand_inside_strings(tmp_path: Path) -> None:
    settings = load_text(
        tmp_path,
        """
        database: postgresql+psycopg://bot:${DB_PASSWORD}@127.0.0.1/rolecall
        telegram:
          token: ${TELEGRAM_BOT_TOKEN}
        """,
        {"DB_PASSWORD": "hunter2", "TELEGRAM_BOT_TOKEN": TOKEN},
    )

    assert settings.database == "postgresql+psycopg://bot:hunter2@127.0.0.1/rolecall"
    assert "hunter2" not in check_summary(settings)


def test_load_settings_reads_os_environ_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    path = write_config(tmp_path, "telegram:\n  token: ${TELEGRAM_BOT_TOKEN}\n")

    settings = load_settings(path)

    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == TOKEN


def test_check_summary_counts_what_will_run() -> None:
    settings = load_settings(FIXTURES / "full.yaml", environ={"TELEGRAM_BOT_TOKEN": TOKEN})

    summary = check_summary(settings)

    assert "People: 2" in summary
    assert "Sources: 3 feeds, 2 search feeds" in summary
    assert "Telegram: token set, 2 chats" in summary
    assert "Digest: fri 17:30 Asia/Shanghai" in summary
    assert "Database: sqlite:///" in summary


def test_check_summary_says_when_no_token_is_set() -> None:
    settings = load_settings(FIXTURES / "minimal.yaml", environ={})

    assert "token not set (alerts go to stdout)" in check_summary(settings)


BROKEN = [
    pytest.param("people: [\n  - name: Ada\n", 2, "", "invalid YAML", id="yaml-syntax"),
    pytest.param("colour: blue\n", 1, "colour", "unknown key", id="unknown-top-key"),
    pytest.param(
        "people:\n  - name: Ada\n    nickname: A\n",
        3,
        "people[0].nickname",
        "unknown key",
        id="unknown-nested-key",
    ),
    pytest.param("people: Ada\n", 1, "people", "must be a list", id="people-not-a-list"),
    pytest.param(
        "people:\n  - name: Ada\n  - name: Bo\n  - name: '  '\n",
        4,
        "people[2].name",
        "must not be empty",
        id="empty-name",
    ),
    pytest.param(
        "people:\n  - aliases: [x]\n", 2, "people[0].name", "is required", id="missing-name"
    ),
    pytest.param(
        "people:\n  - name: Ada Vint\n  - name: ada vint\n",
        3,
        "people[1].name",
        "duplicate of people[0]",
        id="duplicate-person-case",
    ),
    pytest.param(
        "people:\n  - name: 钱晓帆\n  - name: 錢曉帆\n",
        3,
        "people[1].name",
        "duplicate of people[0]",
        id="duplicate-person-script",
    ),
    pytest.param(
        "people:\n  - name: Ada\n    roles:\n      - {title: CTO}\n",
        4,
        "people[0].roles[0].org",
        "is required",
        id="role-without-org",
    ),
    pytest.param(
        "people:\n  - name: Ada\n    roles:\n      - {org: Acme, current: maybe}\n",
        4,
        "people[0].roles[0].current",
        "must be true or false",
        id="role-current-not-bool",
    ),
    pytest.param(
        "sources:\n  - url: https://a.example/f\n  - url: https://a.example/f\n",
        3,
        "sources[1].url",
        "duplicate of sources[0]",
        id="duplicate-source",
    ),
    pytest.param(
        "sources:\n  - url: ftp://a.example/f\n",
        2,
        "sources[0].url",
        "must be an http, https or file URL",
        id="ftp-url",
    ),
    pytest.param(
        "sources:\n  - url: https:///feed\n", 2, "sources[0].url", "has no host", id="no-host"
    ),
    pytest.param(
        "sources:\n  - url: file://server/feed.xml\n",
        2,
        "sources[0].url",
        "must be file:///absolute/path",
        id="file-url-with-host",
    ),
    pytest.param(
        "sources:\n  - url: https://a.example/f\n    every: fast\n",
        3,
        "sources[0].every",
        "must be a positive duration",
        id="interval-word",
    ),
    pytest.param(
        "schedule:\n  poll: 0m\n", 2, "schedule.poll", "must be a positive duration", id="zero"
    ),
    pytest.param(
        "schedule:\n  poll: 15\n", 2, "schedule.poll", "must be a string", id="interval-number"
    ),
    pytest.param(
        "schedule:\n  digest: funday 09:00\n",
        2,
        "schedule.digest",
        "must be a weekday (mon..sun) and a time",
        id="digest-day",
    ),
    pytest.param(
        "schedule:\n  digest: mon 25:00\n",
        2,
        "schedule.digest",
        "must be a weekday (mon..sun) and a time",
        id="digest-hour",
    ),
    pytest.param("timezone: Mars/Olympus\n", 1, "timezone", "unknown timezone", id="bad-timezone"),
    pytest.param(
        "search:\n  - https://s.example.com/rss?q=name\n",
        2,
        "search[0]",
        "must contain {query}",
        id="template-without-query",
    ),
    pytest.param(
        "search:\n  - file:///srv/{query}.xml\n",
        2,
        "search[0]",
        "must be an http or https URL",
        id="template-not-web",
    ),
    pytest.param(
        "telegram:\n  token: abc\n  chats: [123, '@channel']\n",
        3,
        "telegram.chats[1]",
        "must be an integer",
        id="chat-not-int",
    ),
    pytest.param(
        "telegram:\n  chats: [1.5]\n", 2, "telegram.chats[0]", "must be an integer", id="float"
    ),
    pytest.param(
        "telegram:\n  api_url: ws://127.0.0.1/bot\n",
        2,
        "telegram.api_url",
        "must be an http or https URL",
        id="api-url-scheme",
    ),
    pytest.param(
        "\n\ntelegram:\n  token: ${ROLECALL_MISSING_TOKEN}\n",
        4,
        "telegram.token",
        "environment variable ROLECALL_MISSING_TOKEN is not set",
        id="missing-env-var",
    ),
    pytest.param(
        "database: mysql://db.example/rc\n",
        1,
        "database",
        "must be a sqlite:/// or postgresql+psycopg:// URL",
        id="database-scheme",
    ),
    pytest.param("metrics_port: 70000\n", 1, "metrics_port", "less than or equal", id="port-range"),
    pytest.param("retention: forever\n", 1, "retention", "positive duration", id="retention"),
]


@pytest.mark.parametrize(("text", "line", "field", "message"), BROKEN)
def test_broken_config_names_file_line_and_field(
    tmp_path: Path, text: str, line: int, field: str, message: str
) -> None:
    path = tmp_path / "rolecall.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={})

    error = caught.value
    assert (error.path, error.line, error.field) == (path, line, field)
    assert message in error.message
    prefix = f"rolecall.yaml:{line}: {field}: " if field else f"rolecall.yaml:{line}: "
    assert str(error).startswith(prefix)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.yaml:0: cannot read the config file"):
        load_settings(tmp_path / "nowhere.yaml", environ={})


CACHED = """
    telegram:
      token: ${TELEGRAM_BOT_TOKEN}
    people:
      - name: Ada Vint
        aliases: [A. Vint]
"""


def test_a_config_loaded_again_from_the_cache_is_the_same(tmp_path: Path) -> None:
    path = write_config(tmp_path, CACHED)
    cache = tmp_path / "cache"
    environ = {"TELEGRAM_BOT_TOKEN": TOKEN}

    first = load_settings(path, environ=environ, cache_dir=cache)
    again = load_settings(path, environ=environ, cache_dir=cache)

    assert again == first == load_settings(path, environ=environ)
    assert len(list(cache.iterdir())) == 1


def test_an_edited_config_is_parsed_again(tmp_path: Path) -> None:
    path = write_config(tmp_path, CACHED)
    cache = tmp_path / "cache"
    load_settings(path, environ={"TELEGRAM_BOT_TOKEN": TOKEN}, cache_dir=cache)

    write_config(tmp_path, CACHED.replace("Ada Vint", "Bo Lindqvist"))
    edited = load_settings(path, environ={"TELEGRAM_BOT_TOKEN": TOKEN}, cache_dir=cache)

    assert [person.name for person in edited.people] == ["Bo Lindqvist"]


def test_a_cached_config_still_names_the_line_of_a_missing_variable(tmp_path: Path) -> None:
    path = write_config(tmp_path, CACHED)
    cache = tmp_path / "cache"
    load_settings(path, environ={"TELEGRAM_BOT_TOKEN": TOKEN}, cache_dir=cache)

    with pytest.raises(ConfigError) as caught:
        load_settings(path, environ={}, cache_dir=cache)

    assert str(caught.value) == (
        "rolecall.yaml:2: telegram.token: environment variable TELEGRAM_BOT_TOKEN is not set"
    )


def test_the_cache_keeps_no_secret_from_the_environment(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    load_settings(
        write_config(tmp_path, CACHED), environ={"TELEGRAM_BOT_TOKEN": TOKEN}, cache_dir=cache
    )

    (kept,) = cache.iterdir()
    assert TOKEN not in kept.read_text(encoding="utf-8")
    assert kept.stat().st_mode & 0o077 == 0


def test_a_broken_config_is_not_cached(tmp_path: Path) -> None:
    cache = tmp_path / "cache"

    with pytest.raises(ConfigError):
        load_settings(write_config(tmp_path, "colour: blue\n"), environ={}, cache_dir=cache)

    assert not cache.exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(b"", id="empty"),
        pytest.param(b"{not json", id="not-json"),
        pytest.param(b'{"key": "0", "data": {}}', id="other-key"),
        pytest.param(b"[1, 2]", id="not-a-mapping"),
    ],
)
def test_a_damaged_cache_is_ignored(tmp_path: Path, damage: bytes) -> None:
    path = write_config(tmp_path, CACHED)
    cache = tmp_path / "cache"
    load_settings(path, environ={"TELEGRAM_BOT_TOKEN": TOKEN}, cache_dir=cache)
    (kept,) = cache.iterdir()
    kept.write_bytes(damage)

    settings = load_settings(path, environ={"TELEGRAM_BOT_TOKEN": TOKEN}, cache_dir=cache)

    assert [person.name for person in settings.people] == ["Ada Vint"]


def test_an_unwritable_cache_folder_is_no_obstacle(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")

    settings = load_settings(
        write_config(tmp_path, CACHED),
        environ={"TELEGRAM_BOT_TOKEN": TOKEN},
        cache_dir=blocked / "cache",
    )

    assert settings.telegram.token is not None


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        pytest.param(
            {"XDG_CACHE_HOME": "/var/cache/me", "HOME": "/home/me"},
            "/var/cache/me/rolecall",
            id="xdg",
        ),
        pytest.param({"HOME": "/home/me"}, "/home/me/.cache/rolecall", id="home"),
    ],
)
def test_config_cache_dir_follows_the_xdg_convention(
    environ: dict[str, str], expected: str
) -> None:
    assert config_cache_dir(environ=environ) == Path(expected)
