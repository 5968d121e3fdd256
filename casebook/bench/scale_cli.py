"""``casebook bench scale``: the benchmark at municipal scale (code in ``bench/scale``, see the README).

A thin command: it parses options and hands over to ``bench.scale``, which lives outside the
installed package (like ``bench/bench_crypto_fields.py``), so the project root is put on the path.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

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
@click.option("--verify-audit", is_flag=True, help="Walk the seeded audit chain with `audit verify`'s check.")
@click.option("--seed-only", is_flag=True, help="Seed (and with --keep, keep) without serving or measuring.")
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
    seed_only: bool,
) -> None:
    """Seed a throwaway PostgreSQL database of N cases; measure the app against the bare floor; write JSON."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from bench.scale import database, runner
    from bench.scale.seed import seed

    workdir = Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    started = time.monotonic()
    load_before = os.getloadavg()
    seeded = seed(
        admin_url, cases, str(workdir), events_per_case=events_per_case, workers=workers, verify_chain=verify_audit
    )
    finished = False
    try:
        report = seeded.report()
        click.echo(
            f"seeded {cases:,} cases in {report['seconds']['total']:,.0f} s "
            f"({report['cases_per_second']:,.0f} cases/s): " + ", ".join(f"{n:,} {t}" for t, n in seeded.counts.items())
        )
        results = {}
        if not seed_only:
            results = runner.run(
                seeded, workdir, duration=duration, warmup=warmup, concurrencies=tuple(sorted(set(concurrencies))),
                say=click.echo,
            )  # fmt: skip
            click.echo("")
            click.echo(runner.table(results))
        document = {
            "cases": cases,
            "seed": report,
            "settings": {"duration_s": duration, "warmup_s": warmup, "users": sorted(set(concurrencies))}
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
        if keep:
            click.echo(f"kept database {seeded.name}; work directory (keyring, logs) {workdir}")
        else:
            database.drop_database(admin_url, seeded.name)
            if finished:
                shutil.rmtree(workdir)
            else:  # the gunicorn logs say why; the keyring is useless without the (dropped) database
                (workdir / "keyring.json").unlink(missing_ok=True)
                click.echo(f"database {seeded.name} dropped; logs kept in {workdir}", err=True)
