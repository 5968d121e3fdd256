"""Loading the keyring for the app: from ``CASEBOOK_MASTER_KEYS`` or the keyring file.

Development creates a missing keyring (with a warning); production refuses to start without
one, or when a master key equals the secret key.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Flask

from casebook.crypto.errors import KeyringError
from casebook.crypto.keyring import Keyring, init_keyring, load_keyring
from casebook.settings import ConfigurationError, is_production

log = logging.getLogger(__name__)


def keyring_path(config: dict) -> Path:
    return Path(config.get("KEYRING") or Path(config["INSTANCE_PATH"]) / "keyring.json")


def load_app_keyring(app: Flask) -> Keyring:
    """:raises ConfigurationError: one line, never containing key material."""
    config = app.config
    production = is_production(config)
    if production and config.get("ENCRYPTION_DISABLED_FOR_BENCHMARK"):
        raise ConfigurationError("ENCRYPTION_DISABLED_FOR_BENCHMARK is for benchmarks only, never in production")
    env_value = config.get("MASTER_KEYS")
    if isinstance(env_value, dict):
        env_value = json.dumps(env_value)
    path = keyring_path(config)
    try:
        if env_value:
            keyring = load_keyring(env_value=env_value)
        elif path.exists():
            keyring = load_keyring(path=path)
        elif production:
            raise ConfigurationError(
                f"no keyring at {path}: run `casebook keys init` or set CASEBOOK_MASTER_KEYS / CASEBOOK_KEYRING"
            )
        else:
            log.warning("no keyring found; created a new development keyring at %s", path)
            keyring = init_keyring(path)
    except KeyringError as exc:
        raise ConfigurationError(str(exc)) from None
    if production and keyring.contains_secret(config["SECRET_KEY"]):
        raise ConfigurationError("a master key equals CASEBOOK_SECRET_KEY; use independent random values")
    return keyring
