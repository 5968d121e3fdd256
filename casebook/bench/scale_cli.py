"""``casebook bench scale``: the benchmark at municipal scale (code in ``bench/scale``, see the README).

A thin command: it parses options and hands over to ``bench.scale``, which lives outside the
installed package (like ``bench/bench_crypto_fields.py``), so the project root is put on the path.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import click

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


@click.command("scale")
@click.option(
    "--admin-url",
    default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    show_default=True,
    envvar="CASEBOOK_BENCH_ADMIN_URL",
    help="A PostgreSQL database where the bench may CREATE and DROP a database of its own.",
)
@click.option("--cases", default=1_000_000, show_default=True, type=click.IntRange(2), help="Cases to seed.")
@click.option("--events-per-case", default=10, show_default=True, type=click.IntRange(0), help="Audit events per case.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1), help="Seeding processes.")
@click.option(
    "--duration", default=10.0, show_default=True, type=click.FloatRange(0.1), help="Seconds per measurement."
)
@click.option("--warmup", default=1.0, show_default=True, type=click.FloatRange(0), help="Unmeasured seconds first.")
@click.option(
    "--users", "concurrencies", multiple=True, type=click.IntRange(1), default=(1, 16), show_default=True,
    help="Concurrent users (repeat the option).",
)  # fmt: skip
@click.option("--output", default="bench-scale.json", show_default=True, type=click.Path(dir_okay=False))
@click.option("--keep", is_flag=True, help="Keep the bench database (and its work directory with the keyring).")
@click.option(
    "--verify-audit", is_flag=True, help="After seeding, run `casebook audit verify --full` (timed); fail if it fails."
)
@click.option(
    "--time-verify", is_flag=True, help="Before measuring, time `casebook audit verify --full` over the chain."
)
@click.option("--seed-only", is_flag=True, help="Seed (and with --keep, keep) without serving or measuring.")
@click.option(
    "--database", "database_name", default=None,
    help="The bench database: to create (default casebook_bench_<timestamp>), or with --measure-only a kept one.",
)  # fmt: skip
@click.option(
    "--measure-only", is_flag=True,
    help="Measure the kept --database: `casebook db upgrade` first, then VACUUM ANALYZE; never dropped.",
)  # fmt: skip
@click.option(
    "--workdir", type=click.Path(file_okay=False), default=None,
    help="Keyring, seed.json and gunicorn logs. Default with --keep or --measure-only: "
    "~/.cache/casebook-bench/<database>; otherwise a temporary directory.",
)  # fmt: skip
@click.option(
    "--endpoint", "patterns", multiple=True,
    help="Measure only the endpoints whose name matches (shell pattern, e.g. 'report_*'; repeat the option).",
)  # fmt: skip
def bench_scale(
    admin_url: str,
    cases: int,
    events_per_case: int,
    workers: int,
    duration: float,
    warmup: float,
    concurrencies: tuple[int, ...],
    output: str,
    keep: bool,
    verify_audit: bool,
    time_verify: bool,
    seed_only: bool,
    database_name: str | None,
    measure_only: bool,
    workdir: str | None,
    patterns: tuple[str, ...],
) -> None:
    """Seed a throwaway PostgreSQL database of N cases; measure the app against the bare floor; write JSON.

    With --seed-only --keep the seeded database stays; --measure-only --database NAME measures it
    later (after code changes: migrations run first).
    """
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from bench.scale import commands, database, runner
    from bench.scale.seed import seed

    if measure_only and (not database_name or seed_only):
        raise click.UsageError("--measure-only needs --database NAME (a database kept by --seed-only --keep)")
    if database_name is not None and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", database_name):
        raise click.UsageError("--database: lower-case letters, digits and _ (it is quoted into CREATE DATABASE)")
    started = time.monotonic()
    load_before = os.getloadavg()
    kept = keep or measure_only
    name = database_name or database.bench_database_name()
    if workdir:
        work = Path(workdir)
    else:
        work = kept_workdir(name) if kept else Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    measured: dict = {}
    if measure_only:
        seeded, measured = _open_kept(admin_url, name, work, workers)
    else:
        work.mkdir(parents=True, exist_ok=True)  # a keyring already there is refused (never overwritten)
        seeded = seed(
            admin_url, cases, str(work), events_per_case=events_per_case, workers=workers, verify_chain=verify_audit,
            name=name,
        )  # fmt: skip
    finished = False
    try:
        report = seeded.report()
        if not measure_only:
            click.echo(
                f"seeded {seeded.counts['case']:,} cases in {report['seconds']['total']:,.0f} s "
                f"({report['cases_per_second']:,.0f} cases/s; database {report['database_gb']} GB): "
                + ", ".join(f"{n:,} {t}" for t, n in seeded.counts.items())
            )
        if time_verify and verify_audit and not measure_only:  # verified right after seeding: not run twice
            measured["audit_verify_full"] = {"command": "casebook audit verify --full", "exit_code": 0}
            measured["audit_verify_full"] |= {"seconds": seeded.verify_seconds, "output": seeded.chain_verified}
        elif time_verify or (measure_only and verify_audit):
            measured["audit_verify_full"] = _checked(commands.verify_audit(seeded.settings)).as_dict()
        results = {}
        if not seed_only:
            measured["reports_refresh"] = _checked(commands.refresh_reports(seeded.settings)).as_dict()
            click.echo(f"report facts refreshed in {measured['reports_refresh'].get('seconds', '?')} s")
            results = runner.run(
                seeded, work, duration=duration, warmup=warmup, concurrencies=tuple(sorted(set(concurrencies))),
                say=click.echo, patterns=patterns,
            )  # fmt: skip
            click.echo("")
            click.echo(runner.table(results))
        document = {
            "cases": seeded.counts.get("case"),
            "database": name,
            "measure_only": measure_only,
            "seed": report,
            "before_measuring": measured,
            "settings": {"duration_s": duration, "warmup_s": warmup, "users": sorted(set(concurrencies))}
            | {"endpoint_patterns": list(patterns)}
            | {"gunicorn_workers": 2, "seeding_workers": workers},
            "endpoints": results,
            "wall_seconds": round(time.monotonic() - started, 1),
            # A shared machine: the load average (1, 5, 15 min) says how much of it the run had.
            "load_average": {"start": load_before, "end": os.getloadavg(), "cpus": os.cpu_count()},
        }
        Path(output).write_text(json.dumps(document, indent=2) + "\n")
        click.echo(f"\nwritten {output}")
        finished = True
    finally:
        if kept:
            click.echo(f"kept database {seeded.name}; work directory (keyring, seed.json, logs) {work}")
            if not measure_only:
                click.echo(
                    "measure it later (migrations first): casebook bench scale --measure-only "
                    f"--database {seeded.name}" + (f" --workdir {work}" if workdir else "")
                )
        else:
            database.drop_database(admin_url, seeded.name)
            if finished and not workdir:
                shutil.rmtree(work)
            elif finished:  # a directory of the caller's: only what the bench wrote for the dropped database
                for written in ("keyring.json", "seed.json", "floor-statements.pickle"):
                    (work / written).unlink(missing_ok=True)
            else:  # the gunicorn logs say why; the keyring is useless without the (dropped) database
                (work / "keyring.json").unlink(missing_ok=True)
                click.echo(f"database {seeded.name} dropped; logs kept in {work}", err=True)


def _checked(run: Any) -> Any:
    """Echo a command run; a failed one ends the bench (the run is a ``bench.scale.commands.CommandRun``)."""
    click.echo(f"{run.command}: {run.output} ({run.seconds:,.1f} s)")
    if not run.ok:
        raise click.ClickException(f"{run.command} failed (exit {run.exit_code})")
    return run


def _open_kept(admin_url: str, name: str, work: Path, workers: int) -> tuple:
    """The kept database, brought to this checkout's schema (``casebook db upgrade``), vacuumed and analysed."""
    from bench.scale import commands, database
    from bench.scale.seed import load_kept

    try:
        seeded = load_kept(admin_url, name, str(work))
    except FileNotFoundError as exc:
        raise click.UsageError(f"no keyring or seed.json for {name} in {work} (--workdir?): {exc}") from None
    click.echo(f"measuring kept database {name}; work directory (keyring, logs) {work}")
    upgrade = _checked(commands.upgrade(seeded.settings))
    started = time.monotonic()
    database.vacuum_analyze(seeded.url, parallel=workers)
    seeded.database_bytes = database.database_size(seeded.url)
    return seeded, {
        "upgrade": upgrade.as_dict(),
        "vacuum_analyze_seconds": round(time.monotonic() - started, 1),
        "database_gb": round(seeded.database_bytes / 1e9, 2),
    }


def kept_workdir(name: str) -> Path:
    """Where a kept bench database's keyring lives: outside any checkout, so the lead's main checkout
    finds what a worktree seeded (``$XDG_CACHE_HOME`` or ``~/.cache``, then ``casebook-bench/<name>``)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "casebook-bench" / name
