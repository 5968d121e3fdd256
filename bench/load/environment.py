"""What the load, fault and soak runs stand on: a throwaway database, a Redis of its own, a keyring in a
temporary work directory, the app under gunicorn with two worker processes.

- **PostgreSQL**: by default a throwaway database on the server at ``--admin-url`` (created and
  dropped here, like ``scripts/pg_database.py``). The fault run restarts PostgreSQL, which would cut
  off everyone else's connections on a shared server, so it uses a **cluster of its own** instead
  (``--own-postgres``, the fault run's default): ``initdb`` into the work directory and ``pg_ctl``
  on a free port, run as the ``postgres`` account when we are root (PostgreSQL refuses to run as
  root). The restart is ``pg_ctl restart -m fast``: what ``pg_ctlcluster <version> main restart``
  does to the packaged cluster, without touching it.
- **Redis**: a ``redis-server`` of its own on a free port, no persistence; the rate limits and the
  lockout counters use it (``RATELIMIT_STORAGE_URL=redis://127.0.0.1:PORT/0``). Making it
  unavailable is stopping this process and starting it again on the same port, which disturbs no
  other user of Redis on this machine.
- **gunicorn**: ``wsgi:app``, two sync workers, bound to a free port on 127.0.0.1.

Every process started here is stopped here, by its own pid.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(check: Callable[[], bool], timeout: float, what: str) -> float:
    """Poll ``check`` until true; the seconds it took. :raises RuntimeError: not within ``timeout``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if check():
                return time.monotonic() - started
        except Exception:  # noqa: S110 - not up yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready within {timeout:.0f} s")


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _as_postgres() -> list[str]:
    """PostgreSQL's server programs refuse root: run them as the ``postgres`` account then."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


class OwnPostgres:
    """A PostgreSQL cluster in ``directory`` on a free port, for runs that restart the server."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory / "pgdata"
        self.port = free_port()
        self.bin = Path(_pg_bindir())
        self.log = directory / "postgres.log"

    @property
    def admin_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *arguments: str) -> None:
        subprocess.run([*_as_postgres(), *arguments], check=True, capture_output=True, cwd="/")  # noqa: S603

    def start(self) -> None:
        self.directory.parent.chmod(0o755)
        self.directory.mkdir(mode=0o700)
        self.log.touch()
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            os.chown(self.log, account.pw_uid, account.pw_gid)
        self._run(str(self.bin / "initdb"), "-D", str(self.directory), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._pg_ctl("start", "-w")

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=on"
        self._run(
            str(self.bin / "pg_ctl"), action, "-D", str(self.directory), "-l", str(self.log), "-o", options, *extra
        )

    def restart(self) -> float:
        """``pg_ctl restart -m fast`` (every connection is cut); seconds until it accepts connections again."""
        started = time.monotonic()
        self._pg_ctl("restart", "-m", "fast", "-w")
        _wait(lambda: psycopg.connect(libpq(self.admin_url)).close() is None, 60, "PostgreSQL")
        return time.monotonic() - started

    def stop(self) -> None:
        if self.directory.exists():
            with contextlib.suppress(subprocess.CalledProcessError):
                self._pg_ctl("stop", "-m", "immediate", "-w")


def _pg_bindir() -> str:
    found = shutil.which("pg_config")
    if found:
        return subprocess.run([found, "--bindir"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S603
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        raise RuntimeError("no PostgreSQL server programs (initdb, pg_ctl) found")
    return str(candidates[-1].parent)


class OwnRedis:
    """``redis-server`` on a free port, in memory only; ``stop``/``start`` make it (un)available."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.log = directory / "redis.log"
        self.process: subprocess.Popen | None = None
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server not found (apt-get install redis-server)")

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        _wait(lambda: socket.create_connection(("127.0.0.1", self.port), 1).close() is None, 20, "redis-server")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        self.process = None


@dataclass
class Gunicorn:
    env: dict[str, str]
    log: Path
    workers: int = 2
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [
            sys.executable, "-m", "gunicorn", "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "60", "--graceful-timeout", "20", "--log-level", "warning", "wsgi:app",
        ]  # fmt: skip
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                command, cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        _wait(lambda: self.healthy(), 90, f"gunicorn (see {self.log})")
        _wait(lambda: len(self.worker_pids()) == self.workers, 30, "gunicorn workers")

    def healthy(self) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {self.log}")
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=5) as response:
            return response.status == 200

    def worker_pids(self) -> list[int]:
        """The workers: the master's children, read from /proc."""
        assert self.process is not None
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return sorted(children)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: in-flight requests finish
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


@dataclass
class Stack:
    """The running test environment: database, Redis, keyring, gunicorn; ``close()`` undoes all of it."""

    workdir: Path
    admin_url: str
    database: str
    url: str
    settings: dict[str, Any]
    redis: OwnRedis
    gunicorn: Gunicorn
    postgres: OwnPostgres | None
    plan_path: Path
    say: Callable[[str], None]
    seed_seconds: float = 0.0

    def casebook(self, *arguments: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "casebook", *arguments], cwd=PROJECT_ROOT, env=self.gunicorn.env,
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    def connections(self) -> int:
        """Backends connected to the test database (``pg_stat_activity``), this query's own excluded."""
        with psycopg.connect(libpq(self.admin_url)) as connection:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (self.database,)
            ).fetchone()
        return int(row[0])

    def close(self) -> None:
        self.gunicorn.stop()
        self.redis.stop()
        if self.postgres is not None:
            self.postgres.stop()
        else:
            with psycopg.connect(libpq(self.admin_url), autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def _environment(settings: dict[str, Any]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    for name, value in settings.items():
        env[f"CASEBOOK_{name}"] = value if isinstance(value, str) else json.dumps(value)
    return env


def build(
    workdir: Path,
    *,
    admin_url: str = DEFAULT_ADMIN_URL,
    own_postgres: bool = False,
    cases: int = 300,
    login_rate: str = "100 per 15 minutes",
    say: Callable[[str], None] = print,
) -> Stack:
    """Start everything and seed it; the caller closes the stack (also when this raises halfway)."""
    from casebook.crypto import generate_keyring, keyring_to_json

    postgres = None
    if own_postgres:
        postgres = OwnPostgres(workdir)
        say(f"own PostgreSQL cluster in {postgres.directory} on port {postgres.port}")
        postgres.start()
        admin_url = postgres.admin_url
    database = "casebook_load_" + time.strftime("%Y%m%d_%H%M%S") + "_" + secrets.token_hex(2)
    with psycopg.connect(libpq(admin_url), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    url = make_url(admin_url).set(database=database).render_as_string(hide_password=False)
    keyring = workdir / "keyring.json"
    with os.fdopen(os.open(keyring, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
        f.write(keyring_to_json(generate_keyring()))
    redis = OwnRedis(workdir)
    settings: dict[str, Any] = {
        "DATABASE_URL": url,
        "KEYRING": str(keyring),
        "INSTANCE_PATH": str(workdir),
        "SECRET_KEY": secrets.token_urlsafe(48),
        "RATELIMIT_STORAGE_URL": redis.url,
        # Only failed attempts count against an address (casebook.auth.lockout); the users log in
        # successfully, so the default limit stays as it is and a 429 would be a false positive.
        "LOGIN_RATE_PER_ADDRESS": login_rate,
    }
    env = _environment(settings)
    stack = Stack(
        workdir=workdir, admin_url=admin_url, database=database, url=url, settings=settings, redis=redis,
        gunicorn=Gunicorn(env, workdir / "gunicorn.log"), postgres=postgres, plan_path=workdir / "plan.json", say=say,
    )  # fmt: skip
    try:
        redis.start()
        say(f"redis-server on port {redis.port}; database {database}; seeding {cases} cases and 50 accounts")
        started = time.monotonic()
        for arguments in (
            ["-m", "casebook", "db", "upgrade"],
            ["-m", "bench.load.seed", "cases", str(cases)],
            ["-m", "casebook", "seed-demo"],
            ["-m", "bench.load.seed", "plan", str(stack.plan_path)],
        ):
            done = subprocess.run(  # noqa: S603
                [sys.executable, *arguments], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, check=False
            )
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(arguments[1:])} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
            say("  " + (done.stdout.strip().splitlines() or [""])[-1][:200])
        stack.seed_seconds = round(time.monotonic() - started, 1)
        stack.gunicorn.start()
        say(f"gunicorn on port {stack.gunicorn.port}, workers {stack.gunicorn.worker_pids()}")
    except BaseException:
        stack.close()
        raise
    return stack
