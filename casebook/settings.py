"""Settings: ``config/default.py`` → ``CASEBOOK_*`` environment variables → overrides (tests).

**One declaration per setting.** Every setting is one annotated assignment in ``config/default.py``
— ``PAGE_SIZE: int = 25`` with its comment above it — which gives its name, its type and its
default at once; nothing else declares it, and code reads ``app.config["PAGE_SIZE"]`` without a
fallback of its own. The file stays the documented defaults an operator reads, and the types in
it are what start-up checks against (with pydantic): an environment value is parsed by the type
declared (``CASEBOOK_PAGE_SIZE=abc`` is refused, ``CASEBOOK_SMTP_HOST=123`` stays text), and a
``CASEBOOK_*`` name that is not a setting is refused with the nearest setting's name, so a typo
cannot silently leave a default in force. Each refusal is one line (``ConfigurationError``);
``casebook.cli.main`` and ``wsgi.py`` print it and exit non-zero.

A plain text, number or switch may leave the type to its default (``LOG_FORMAT = "text"`` is
text); a setting whose default is ``None``, a list or a mapping, or that takes only some values
(``Literal[...]``), must be annotated — ``tests/config`` fails otherwise. A default that does not
fit its own type stops start-up.

**Not settings.** Tools of the test suite and the benchmarks read their own ``CASEBOOK_*``
variables (``CASEBOOK_TEST_DATABASE_URL`` …): every name starting with ``CASEBOOK_TEST_``,
``CASEBOOK_BENCH_`` or ``CASEBOOK_LOAD_`` (bench/load), and the names in ``NOT_SETTINGS``, are left alone.

**Overrides** (``create_app({...})``, tests) are code, not operator input: a declared setting in
them is checked by its type too, any other key (Flask's own ``TESTING``, a test-only switch) passes
through unchecked.

Secrets never come from git: the secret key is taken from the environment, or generated once
into ``instance/secret_key`` in development. Production refuses to start without an explicit
secret key and database URL.
"""

from __future__ import annotations

import copy
import difflib
import functools
import importlib.util
import json
import os
import re
import secrets
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

ENV_PREFIX = "CASEBOOK_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = PROJECT_ROOT / "config" / "default.py"

#: ``CASEBOOK_*`` variables that belong to tools, not to the application (README, "Configuration").
NOT_SETTINGS = frozenset({"CASEBOOK_REQUIRE_BROWSER", "CASEBOOK_CHROMIUM"})
NOT_SETTING_PREFIXES = ("CASEBOOK_TEST_", "CASEBOOK_BENCH_", "CASEBOOK_LOAD_")

#: Where each effective value came from, kept in the settings under this key (``casebook config show``).
SOURCES_KEY = "_SETTING_SOURCES"

# A setting whose name ends like this holds a secret: ``config show`` prints whether it is set, never the value.
_SECRET_NAME = re.compile(r"(^|_)(PASSWORD|SECRET|SECRET_KEY|TOKEN|KEYS|PRIVATE_KEY)$")
# user:password@ in a URL (database, Redis): the password is masked wherever it appears.
_URL_PASSWORD = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<password>[^@\s]*)@")
MASK = "********"


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong; the message is one line fit for an operator."""


@dataclass(frozen=True)
class Setting:
    """One declared setting: its name, type (an annotation pydantic validates) and default."""

    name: str
    type: Any
    default: Any
    annotated: bool = True

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.name

    @property
    def secret(self) -> bool:
        return bool(_SECRET_NAME.search(self.name))

    @functools.cached_property
    def _adapter(self) -> TypeAdapter:
        return TypeAdapter(self.type)

    def parse_env(self, raw: str) -> Any:
        """The value of ``CASEBOOK_<NAME>=raw`` as the declared type.

        Text settings take the text as it is; empty means None where None is allowed; lists take
        JSON (``["nl", "en"]``) or commas (``nl,en``); mappings take JSON; numbers and switches
        (``true``/``false``, ``1``/``0``, ``yes``/``no``) are parsed by pydantic's lax rules.

        :raises ConfigurationError: one line naming the variable and what it must be.
        """
        text = raw.strip()
        if text == "" and _allows_none(self.type):
            return None
        kinds = _kinds(self.type)
        try:
            if kinds & {"str", "any"} and not kinds & {"list", "dict"}:
                value: Any = raw
            elif kinds & {"list", "dict"}:
                if text[:1] in "[{":
                    value = json.loads(text)
                elif "list" in kinds:
                    value = [part.strip() for part in text.split(",") if part.strip()]
                else:
                    value = text
            else:
                value = text
            return self._adapter.validate_python(value)
        except (ValidationError, ValueError):
            got = "" if self.secret else f", got {raw!r}"
            raise ConfigurationError(f"{self.env_name} must be {describe_type(self.type)}{got}") from None

    def check(self, value: Any) -> Any:
        """An override's value, checked against the declared type.

        :raises ConfigurationError: one line naming the setting.
        """
        try:
            return self._adapter.validate_python(value)
        except ValidationError:
            got = "" if self.secret else f", got {value!r}"
            raise ConfigurationError(f"setting {self.name} must be {describe_type(self.type)}{got}") from None


def _union_args(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def _allows_none(annotation: Any) -> bool:
    return any(arg is type(None) for arg in _union_args(annotation)) or annotation is Any


def _kinds(annotation: Any) -> set[str]:
    kinds = set()
    for arg in _union_args(annotation):
        origin = typing.get_origin(arg) or arg
        if arg is Any:
            kinds.add("any")
        elif origin in (list, tuple, set, frozenset):
            kinds.add("list")
        elif origin in (dict, Mapping):
            kinds.add("dict")
        elif origin is str:
            kinds.add("str")
        elif arg is not type(None):
            kinds.add("scalar")
    return kinds


_TYPE_WORDS = {int: "an integer", float: "a number", bool: "true or false", str: "text"}


def describe_type(annotation: Any) -> str:
    """``int`` → "an integer", ``list[str] | None`` → "a list (JSON or comma-separated) or empty" …"""
    words = []
    for arg in _union_args(annotation):
        origin = typing.get_origin(arg) or arg
        if arg is type(None):
            continue
        if origin is Literal:
            words.append("one of " + ", ".join(repr(choice) for choice in typing.get_args(arg)))
        elif origin in (list, tuple, set, frozenset):
            words.append("a list (JSON or comma-separated)")
        elif origin in (dict, Mapping):
            words.append("a JSON object")
        else:
            words.append(_TYPE_WORDS.get(origin, getattr(origin, "__name__", str(origin))))
    text = " or ".join(words) or "empty"
    return text + (" or empty" if _allows_none(annotation) and words else "")


@functools.lru_cache(maxsize=4)
def _declarations_of(path: Path, mtime: float) -> dict[str, Setting]:
    spec = importlib.util.spec_from_file_location("casebook_config_default", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    annotations = getattr(module, "__annotations__", {})
    declared: dict[str, Setting] = {}
    for name in dir(module):
        if not name.isupper() or name.startswith("_"):
            continue
        default = getattr(module, name)
        if name in annotations:
            setting = Setting(name, annotations[name], default)
        else:
            setting = Setting(name, str | None if default is None else type(default), default, annotated=False)
        try:
            setting.check(default)
        except ConfigurationError:
            raise ConfigurationError(
                f"config/default.py: the default of {name} is not {describe_type(setting.type)}"
            ) from None
        declared[name] = setting
    return declared


def declarations() -> dict[str, Setting]:
    """Every setting of ``config/default.py``, by name (read once per process and file version)."""
    return _declarations_of(DEFAULTS_FILE, DEFAULTS_FILE.stat().st_mtime)


def default(name: str) -> Any:
    """The declared default of a setting, for code that runs outside an app (the app's config has it)."""
    return copy.deepcopy(declarations()[name].default)


def _not_a_setting_message(env_name: str, declared: Mapping[str, Setting]) -> str:
    names = [setting.env_name for setting in declared.values()]
    close = difflib.get_close_matches(env_name, names, n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown setting {env_name}{hint}"


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Merge defaults, environment and overrides into one dict of upper-case settings.

    :raises ConfigurationError: an environment value of the wrong type, an unknown ``CASEBOOK_*``
        name, or a declared setting in ``overrides`` of the wrong type (the first problem, one line).
    """
    environ = os.environ if environ is None else environ
    declared = declarations()
    settings = {name: copy.deepcopy(setting.default) for name, setting in declared.items()}
    sources = dict.fromkeys(declared, "default")
    for env_name in sorted(environ):
        if not env_name.startswith(ENV_PREFIX) or env_name in NOT_SETTINGS or env_name.startswith(NOT_SETTING_PREFIXES):
            continue
        name = env_name[len(ENV_PREFIX) :]
        setting = declared.get(name)
        if setting is None:
            raise ConfigurationError(_not_a_setting_message(env_name, declared))
        settings[name] = setting.parse_env(environ[env_name])
        sources[name] = "env"
    for name, value in (overrides or {}).items():
        setting = declared.get(name)
        settings[name] = setting.check(value) if setting is not None else value
        sources[name] = "override"
    settings["_SECRET_KEY_EXPLICIT"] = bool(settings.get("SECRET_KEY"))
    settings["_DATABASE_URL_EXPLICIT"] = bool(settings.get("DATABASE_URL"))
    instance = Path(settings.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    settings["INSTANCE_PATH"] = str(instance)
    settings[SOURCES_KEY] = sources
    return settings


def is_production(settings: Mapping[str, Any]) -> bool:
    return str(settings.get("ENV", "development")).lower() == "production"


def finalise(settings: dict) -> dict:
    """Fill in generated values and refuse unsafe production configurations."""
    sources = settings.setdefault(SOURCES_KEY, {})
    if is_production(settings):
        missing = [n for n in ("SECRET_KEY", "DATABASE_URL") if not settings.get(f"_{n}_EXPLICIT")]
        if missing:
            names = " and ".join(ENV_PREFIX + n for n in missing)
            raise ConfigurationError(f"production mode needs {names}; see config/production.example.env")
    instance = Path(settings["INSTANCE_PATH"])
    if not settings.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'casebook.sqlite3'}"
        sources["DATABASE_URL"] = "generated"
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _instance_secret_key(instance)
        sources["SECRET_KEY"] = "generated"  # noqa: S105 - the word, not a key
    return settings


def masked(name: str, value: Any) -> Any:
    """``value`` fit to show: a secret setting as set/unset only, a password inside a URL masked."""
    if _SECRET_NAME.search(name):
        return MASK if value not in (None, "", {}, []) else value
    return _mask_urls(value)


def _mask_urls(value: Any) -> Any:
    if isinstance(value, str):
        return _URL_PASSWORD.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", value)
    if isinstance(value, list | tuple):
        return type(value)(_mask_urls(item) for item in value)
    if isinstance(value, dict):
        return {key: _mask_urls(item) for key, item in value.items()}
    return value


def effective(config: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """Every declared setting as ``(name, value fit to show, source)``; source is ``default``,
    ``env``, ``override`` or ``generated`` (the development secret key and SQLite file)."""
    sources = config.get(SOURCES_KEY, {})
    return [(name, masked(name, config.get(name)), sources.get(name, "default")) for name in sorted(declarations())]


def _instance_secret_key(instance: Path) -> str:
    """Return the development secret key, creating it (mode 0600) on first run."""
    instance.mkdir(parents=True, exist_ok=True)
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
