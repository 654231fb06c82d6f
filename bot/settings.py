"""Settings: the YAML config file with ${VAR}s, validated once; the only reader of os.environ.

An error names the place to fix as ``FILE:LINE: FIELD: message``, for example
``rolecall.yaml:14: people[2].name: must not be empty``: the YAML is composed into nodes
first so that every field path keeps the line it was written on.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
import urllib.parse
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    SecretStr,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from watchers.models import KnownRole, Person
from watchers.text import fold

DEFAULT_DATABASE = "sqlite:///rolecall.db"
URL_SCHEMES = frozenset({"http", "https", "file"})
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_ENV_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_INTERVAL = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_INTERVAL_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DIGEST = re.compile(r"^\s*([a-z]{3})\s+(\d{1,2}):(\d{2})\s*$", re.IGNORECASE)

FieldPath = tuple[str | int, ...]
# Changes whenever the cached form of a parsed config does: older files are then ignored.
_CACHE_FORMAT = 1

# libyaml's parser is about ten times faster than the pure-Python one on a large watch list.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SafeConstructor = yaml.constructor.SafeConstructor


class ConfigError(Exception):
    """The config file cannot be used; ``str()`` is ``FILE:LINE: FIELD: message``."""

    def __init__(self, path: Path, line: int, field: str, message: str) -> None:
        where = f"{path.name}:{line}"
        super().__init__(f"{where}: {field}: {message}" if field else f"{where}: {message}")
        self.path = path
        self.line = line
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True, kw_only=True)
class TelegramSettings:
    token: SecretStr | None
    chats: tuple[int, ...]
    api_url: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceSettings:
    url: str
    every: timedelta | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PersonSettings:
    name: str
    aliases: tuple[str, ...]
    roles: tuple[KnownRole, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    path: Path
    database: str
    timezone: ZoneInfo
    telegram: TelegramSettings
    poll_interval: timedelta
    digest_weekday: int
    digest_time: time
    sources: tuple[SourceSettings, ...]
    search: tuple[str, ...]
    people: tuple[PersonSettings, ...]
    retention: timedelta
    metrics_port: int | None

    def source_specs(self) -> list[tuple[str, timedelta]]:
        """Every feed to poll with its interval: the sources, then the search feeds."""
        specs = [(source.url, source.every or self.poll_interval) for source in self.sources]
        for template in self.search:
            for person in self.people:
                specs.append((search_url(template, person.name), self.poll_interval))
        first: dict[str, timedelta] = {}
        for url, interval in specs:
            first.setdefault(url, interval)
        return list(first.items())

    def people_records(self) -> list[Person]:
        """The watched people as vocabulary values; the store assigns the ids."""
        return [
            Person(id=0, name=person.name, aliases=person.aliases, roles=person.roles)
            for person in self.people
        ]


def search_url(template: str, name: str) -> str:
    """A search feed URL for one person: ``{query}`` is the quoted name, URL-encoded."""
    return template.replace("{query}", urllib.parse.quote_plus(f'"{name}"'))


def load_settings(
    path: Path, *, environ: Mapping[str, str] | None = None, cache_dir: Path | None = None
) -> Settings:
    """Read, expand and validate the config file; raise ``ConfigError`` naming the line.

    With ``cache_dir`` the parsed YAML of a config that loaded is kept there, keyed by the
    file's bytes, and the next load of the same bytes skips the YAML parser: with
    thousands of people, parsing was most of a start. ``${VAR}``s are expanded and
    everything is validated at every load all the same; a cached config that fails is
    parsed again, so that the error names its line.
    """
    env = os.environ if environ is None else environ
    text = _read(path)
    cache = _ParsedCache(cache_dir, path, text) if cache_dir is not None else None
    cached = cache.load() if cache is not None else None
    if cached is not None:
        with contextlib.suppress(ConfigError):
            return _settings(cached, {(): 1}, env, path)
    data, lines = _compose(text, path)
    settings = _settings(data, lines, env, path)
    if cache is not None:
        cache.store(data)
    return settings


def config_cache_dir(*, environ: Mapping[str, str] | None = None) -> Path:
    """Where parsed configs are kept: ``$XDG_CACHE_HOME/rolecall``, else ``~/.cache/rolecall``."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CACHE_HOME") or str(Path(env.get("HOME") or Path.home()) / ".cache")
    return Path(base) / "rolecall"


def check_summary(settings: Settings) -> str:
    """What ``rolecall check`` prints: counts and choices, never a secret."""
    searches = len(settings.search) * len(settings.people)
    token = "set" if settings.telegram.token else "not set (alerts go to stdout)"
    digest = f"{WEEKDAYS[settings.digest_weekday]} {settings.digest_time:%H:%M}"
    return "\n".join(
        [
            f"Config: {settings.path}",
            f"People: {len(settings.people)}",
            f"Sources: {len(settings.sources)} feeds, {searches} search feeds",
            f"Telegram: token {token}, {len(settings.telegram.chats)} chats",
            f"Database: {_hide_password(settings.database)}",
            f"Poll: every {_format_interval(settings.poll_interval)}",
            f"Digest: {digest} {settings.timezone.key}",
            f"Retention: {_format_interval(settings.retention)}",
        ]
    )


# --- parsing the YAML while keeping the line of every field ---------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(path, 0, "", f"cannot read the config file: {exc.strerror}") from None


def _compose(text: str, path: Path) -> tuple[Any, dict[FieldPath, int]]:
    try:
        # One parse, by libyaml when it is there: the nodes give both the data and the lines.
        node = yaml.compose(text, Loader=_LOADER)
        data = _SafeConstructor().construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError:
        raise _yaml_error(text, path) from None
    lines: dict[FieldPath, int] = {(): 1}
    if node is not None:
        lines.update(_node_lines(node, ()))
    return data, lines


def _settings(
    data: Any, lines: dict[FieldPath, int], env: Mapping[str, str], path: Path
) -> Settings:
    data = _expand(data, (), env, lines, path)
    try:
        raw = _RawConfig.model_validate(data if data is not None else {})
    except ValidationError as exc:
        raise _config_error(exc, lines, path) from None
    _check_unique(raw, lines, path)
    return _build(raw, path)


def _yaml_error(text: str, path: Path) -> ConfigError:
    """The error as the pure-Python parser words and places it (libyaml's line may differ)."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        return ConfigError(path, line, "", f"invalid YAML: {exc.problem}")
    return ConfigError(path, 1, "", "invalid YAML")


def _node_lines(node: yaml.Node, prefix: FieldPath) -> Iterator[tuple[FieldPath, int]]:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (*prefix, str(key_node.value))
            yield key, key_node.start_mark.line + 1
            yield from _node_lines(value_node, key)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            key = (*prefix, index)
            yield key, item.start_mark.line + 1
            yield from _node_lines(item, key)


def _expand(
    value: Any, where: FieldPath, env: Mapping[str, str], lines: dict[FieldPath, int], path: Path
) -> Any:
    """Replace ``${VAR}`` in every string with the variable's value."""
    if isinstance(value, dict):
        return {k: _expand(v, (*where, str(k)), env, lines, path) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, (*where, i), env, lines, path) for i, v in enumerate(value)]
    if not isinstance(value, str) or "${" not in value:
        return value

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in env:
            message = f"environment variable {name} is not set"
            raise ConfigError(path, _line_of(where, lines), _field_name(where), message)
        return env[name]

    return _ENV_VAR.sub(substitute, value)


def _line_of(where: FieldPath, lines: dict[FieldPath, int]) -> int:
    while where not in lines:
        where = where[:-1]
    return lines[where]


def _field_name(where: FieldPath) -> str:
    name = ""
    for part in where:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else part)
    return name


def _config_error(exc: ValidationError, lines: dict[FieldPath, int], path: Path) -> ConfigError:
    error = exc.errors()[0]
    where = tuple(part for part in error["loc"] if not _is_union_tag(part))
    message = _MESSAGES.get(error["type"], error["msg"])
    return ConfigError(path, _line_of(where, lines), _field_name(where), message)


def _is_union_tag(part: str | int) -> bool:
    """Pydantic names the branch of a union in the location; the user never wrote it."""
    return isinstance(part, str) and (
        part in {"str", "int", "none", "list[str]", "list[int]"} or part.startswith("function-")
    )


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "is required",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "bool_type": "must be true or false",
    "list_type": "must be a list",
    "model_type": "must be a mapping",
    "dict_type": "must be a mapping",
}


# --- the parsed YAML of configs that loaded, kept between starts ---------------------------


class _ParsedCache:
    """One file per config path: the hash of the bytes it was parsed from, and the data.

    Only a config that loaded is stored; its data is JSON through and through (strings,
    numbers, booleans, lists, mappings), since anything else fails validation. The data
    is stored before ``${VAR}`` expansion: no secret from the environment reaches the disk.
    A cache that cannot be read or written is no cache: the config is parsed as ever.
    """

    def __init__(self, folder: Path, path: Path, text: str) -> None:
        name = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32]
        self.file = folder / f"config-{name}.json"
        material = f"{_CACHE_FORMAT}\0{yaml.__version__}\0{text}"
        self.key = hashlib.sha256(material.encode("utf-8", "surrogatepass")).hexdigest()

    def load(self) -> Any | None:
        try:
            kept = json.loads(self.file.read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(kept, dict) or kept.get("key") != self.key:
            return None
        return kept.get("data")

    def store(self, data: Any) -> None:
        try:
            payload = json.dumps({"key": self.key, "data": data})
        except (TypeError, ValueError):
            return
        with contextlib.suppress(OSError):
            self.file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # mkstemp makes the file readable by its owner only: the config may hold a token.
            handle, partial = tempfile.mkstemp(dir=self.file.parent, suffix=".partial")
            try:
                with os.fdopen(handle, "w", encoding="ascii") as out:
                    out.write(payload)
                os.replace(partial, self.file)
            except OSError:
                os.unlink(partial)
                raise


# --- field types: each parser takes what YAML gave and returns the final value -------------


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("string_type", "must be a string")
    return value


def _not_empty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty", "must not be empty")
    return value.strip()


def _interval(value: object) -> timedelta:
    match = _INTERVAL.match(_text(value))
    if match is None or int(match.group(1)) == 0:
        raise PydanticCustomError(
            "interval",
            "must be a positive duration like 30s, 15m, 2h or 1d, not {value}",
            {"value": repr(value)},
        )
    return timedelta(**{_INTERVAL_UNITS[match.group(2)]: int(match.group(1))})


def _url(value: str) -> str:
    value = value.strip()
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in URL_SCHEMES:
        raise PydanticCustomError(
            "url", "must be an http, https or file URL, not {value}", {"value": repr(value)}
        )
    if parts.scheme != "file" and not parts.netloc:
        raise PydanticCustomError("url", "has no host: {value}", {"value": repr(value)})
    if parts.scheme == "file" and parts.netloc not in {"", "localhost"}:
        raise PydanticCustomError(
            "url",
            "must be file:///absolute/path or file:relative/path, not {value}",
            {"value": repr(value)},
        )
    return value


def _web_url(value: str) -> str:
    if urllib.parse.urlsplit(value.strip()).scheme not in {"http", "https"}:
        raise PydanticCustomError(
            "url", "must be an http or https URL, not {value}", {"value": repr(value)}
        )
    return _url(value)


def _search_template(value: str) -> str:
    if "{query}" not in value:
        raise PydanticCustomError(
            "template", "must contain {query}, not {value}", {"value": repr(value)}
        )
    return _web_url(value)


def _timezone(value: object) -> ZoneInfo:
    try:
        return ZoneInfo(_text(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise PydanticCustomError(
            "timezone",
            "unknown timezone {value}; use an IANA name such as Asia/Shanghai",
            {"value": repr(value)},
        ) from None


def _digest(value: object) -> tuple[int, time]:
    match = _DIGEST.match(_text(value))
    day = match.group(1).lower() if match else ""
    if match is None or day not in WEEKDAYS or int(match[2]) > 23 or int(match[3]) > 59:
        raise PydanticCustomError(
            "digest",
            "must be a weekday (mon..sun) and a time, like 'mon 09:00', not {value}",
            {"value": repr(value)},
        )
    return WEEKDAYS.index(day), time(int(match[2]), int(match[3]))


def _database(value: str) -> str:
    scheme = value.partition("://")[0].partition("+")[0]
    if scheme not in {"sqlite", "postgresql"}:
        raise PydanticCustomError(
            "database",
            "must be a sqlite:/// or postgresql+psycopg:// URL, not {value}",
            {"value": repr(_hide_password(value))},
        )
    return value


Name = Annotated[str, AfterValidator(_not_empty)]
Interval = Annotated[timedelta, PlainValidator(_interval)]
Url = Annotated[str, AfterValidator(_url)]
WebUrl = Annotated[str, AfterValidator(_web_url)]
SearchTemplate = Annotated[str, AfterValidator(_search_template)]
TimeZone = Annotated[ZoneInfo, PlainValidator(_timezone)]
DigestSpec = Annotated[tuple[int, time], PlainValidator(_digest)]
Database = Annotated[str, AfterValidator(_database)]


# --- the file's shape --------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _RawRole(_Model):
    org: Name
    title: Name | None = None
    current: bool = True


class _RawPerson(_Model):
    name: Name
    aliases: list[Name] = Field(default_factory=list)
    roles: list[_RawRole] = Field(default_factory=list)


class _RawSource(_Model):
    url: Url
    every: Interval | None = None


class _RawTelegram(_Model):
    token: str | None = None
    chats: list[int] = Field(default_factory=list)
    api_url: WebUrl | None = None


class _RawSchedule(_Model):
    poll: Interval = timedelta(minutes=15)
    digest: DigestSpec = (0, time(9, 0))


class _RawConfig(_Model):
    database: Database = DEFAULT_DATABASE
    timezone: TimeZone = ZoneInfo("UTC")
    telegram: _RawTelegram = Field(default_factory=_RawTelegram)
    schedule: _RawSchedule = Field(default_factory=_RawSchedule)
    sources: list[_RawSource] = Field(default_factory=list)
    search: list[SearchTemplate] = Field(default_factory=list)
    people: list[_RawPerson] = Field(default_factory=list)
    retention: Interval = timedelta(days=90)
    metrics_port: Annotated[int, Field(ge=1, le=65535)] | None = None


def _check_unique(raw: _RawConfig, lines: dict[FieldPath, int], path: Path) -> None:
    _first_duplicate([fold(person.name) for person in raw.people], ("people", "name"), lines, path)
    _first_duplicate([source.url for source in raw.sources], ("sources", "url"), lines, path)


def _first_duplicate(
    keys: list[str], where: tuple[str, str], lines: dict[FieldPath, int], path: Path
) -> None:
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            field = (where[0], index, where[1])
            message = f"duplicate of {where[0]}[{seen[key]}]"
            raise ConfigError(path, _line_of(field, lines), _field_name(field), message)
        seen[key] = index


# --- from the file's shape to Settings ---------------------------------------------------


def _build(raw: _RawConfig, path: Path) -> Settings:
    folder = path.parent
    return Settings(
        path=path,
        database=_resolve_database(raw.database, folder),
        timezone=raw.timezone,
        telegram=TelegramSettings(
            token=SecretStr(raw.telegram.token) if raw.telegram.token else None,
            chats=tuple(raw.telegram.chats),
            api_url=raw.telegram.api_url,
        ),
        poll_interval=raw.schedule.poll,
        digest_weekday=raw.schedule.digest[0],
        digest_time=raw.schedule.digest[1],
        sources=tuple(
            SourceSettings(url=_resolve_file_url(source.url, folder), every=source.every)
            for source in raw.sources
        ),
        search=tuple(raw.search),
        people=tuple(_person(person) for person in raw.people),
        retention=raw.retention,
        metrics_port=raw.metrics_port,
    )


def _person(raw: _RawPerson) -> PersonSettings:
    return PersonSettings(
        name=raw.name,
        aliases=tuple(raw.aliases),
        roles=tuple(
            KnownRole(org=role.org, title=role.title, current=role.current) for role in raw.roles
        ),
    )


def _resolve_file_url(url: str, folder: Path) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "file":
        return url
    local = Path(urllib.parse.unquote(parts.path))
    return (local if local.is_absolute() else folder / local).resolve().as_uri()


def _resolve_database(url: str, folder: Path) -> str:
    scheme, sep, rest = url.partition(":///")
    if not scheme.startswith("sqlite") or not sep:
        return url
    file, query_sep, query = rest.partition("?")
    if not file or file.startswith((":memory:", "/")):
        return url
    return f"{scheme}:///{(folder / file).resolve()}{query_sep}{query}"


def _hide_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def _format_interval(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
