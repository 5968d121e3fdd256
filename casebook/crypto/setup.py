"""Loading the keyring for the app: from ``CASEBOOK_MASTER_KEYS`` or the keyring file.

Development creates a missing keyring (with a warning); production refuses to start without
one, or when a master key equals the secret key.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from flask import Flask
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.exc import DBAPIError

from casebook.crypto.envelope import unwrap_dek
from casebook.crypto.errors import DecryptionError, KeyringError
from casebook.crypto.keyring import Keyring, init_keyring, load_keyring
from casebook.crypto.models import DataKey
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


def check_keyring_against_database(engine: Engine, keyring: Keyring) -> None:
    """Refuse a keyring that cannot open this database's data keys (a wrong or outdated keyring).

    For every master key id in use, one data key wrapped under it is unwrapped: cheap (one query
    and a few AES operations at start-up) and it turns "every page shows integrity errors" into a
    one-line refusal to start. A database that cannot be reached or has no schema yet is not
    checked here (``casebook db upgrade`` must still run); commands check the connection themselves.

    :raises ConfigurationError: one line naming the key id, never key material.
    """
    table = DataKey.__table__
    try:
        with engine.connect().execution_options(read_only=True) as connection:
            if not inspect(connection).has_table(table.name):
                return
            in_use = connection.execute(
                select(table.c.kek_id, func.count(), func.min(table.c.id))
                .where(table.c.wrapped.is_not(None))
                .group_by(table.c.kek_id)
            ).all()
            for kek_id, count, sample_id in in_use:
                if kek_id not in keyring.keys:
                    raise ConfigurationError(
                        f"the keyring lacks master key {kek_id}, which wraps {count} data key(s): "
                        "wrong or outdated keyring (CASEBOOK_KEYRING / CASEBOOK_MASTER_KEYS)"
                    )
                sample = connection.execute(select(table).where(table.c.id == sample_id)).one()
                try:
                    unwrap_dek(keyring, kek_id, sample.wrapped, f"{sample.owner_type}:{sample.owner_ref}")
                except DecryptionError:
                    raise ConfigurationError(
                        f"master key {kek_id} of the keyring does not open this database's data keys: wrong keyring"
                    ) from None
    except DBAPIError:
        log.info("keyring not checked against the database: database not reachable yet")
