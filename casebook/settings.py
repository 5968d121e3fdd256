"""Settings: ``config/default.py`` → ``CASEBOOK_*`` environment variables → overrides (tests).

Secrets never come from git: the secret key is taken from the environment, or generated once
into ``instance/secret_key`` in development. Production refuses to start without an explicit
secret key and database URL.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ENV_PREFIX = "CASEBOOK_"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULTS_FILE = PROJECT_ROOT / "config" / "default.py"


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong; the message is one line fit for an operator."""


def _parse_env_value(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> dict:
    """Merge defaults, environment and overrides into one dict of upper-case settings."""
    environ = os.environ if environ is None else environ
    settings = _defaults()
    for name, raw in environ.items():
        if name.startswith(ENV_PREFIX):
            settings[name[len(ENV_PREFIX) :]] = _parse_env_value(raw)
    settings.update(overrides or {})
    settings["_SECRET_KEY_EXPLICIT"] = bool(settings.get("SECRET_KEY"))
    settings["_DATABASE_URL_EXPLICIT"] = bool(settings.get("DATABASE_URL"))
    instance = Path(settings.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    settings["INSTANCE_PATH"] = str(instance)
    return settings


def _defaults() -> dict[str, Any]:
    """The documented defaults in ``config/default.py`` (a plain settings file, not a package)."""
    spec = importlib.util.spec_from_file_location("casebook_config_default", DEFAULTS_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: getattr(module, name) for name in dir(module) if name.isupper()}


def is_production(settings: Mapping[str, Any]) -> bool:
    return str(settings.get("ENV", "development")).lower() == "production"


def finalise(settings: dict) -> dict:
    """Fill in generated values and refuse unsafe production configurations."""
    if is_production(settings):
        missing = [n for n in ("SECRET_KEY", "DATABASE_URL") if not settings.get(f"_{n}_EXPLICIT")]
        if missing:
            names = " and ".join(ENV_PREFIX + n for n in missing)
            raise ConfigurationError(f"production mode needs {names}; see config/production.example.env")
    instance = Path(settings["INSTANCE_PATH"])
    if not settings.get("DATABASE_URL"):
        instance.mkdir(parents=True, exist_ok=True)
        settings["DATABASE_URL"] = f"sqlite:///{instance / 'casebook.sqlite3'}"
    if not settings.get("SECRET_KEY"):
        settings["SECRET_KEY"] = _instance_secret_key(instance)
    return settings


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
