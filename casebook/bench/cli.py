"""``casebook bench crypto`` (what encryption at rest costs, ``casebook.bench.crypto``) and
``casebook bench scale`` (the app at municipal scale beside a floor, ``casebook.bench.scale_cli``)."""

from __future__ import annotations

import click

from casebook.bench.scale_cli import bench_scale


@click.group("bench")
def bench_group() -> None:
    """Benchmarks (they build their own temporary databases; nothing of yours is touched)."""


@bench_group.command("crypto")
@click.option("--repeat", default=101, show_default=True, type=click.IntRange(3))
@click.option("--number", default=200, show_default=True, type=click.IntRange(1))
@click.option("--requests", "page_requests", default=41, show_default=True, type=click.IntRange(3))
@click.option("--notes", default=50, show_default=True, type=click.IntRange(1))
@click.option("--subjects", default=50, show_default=True, type=click.IntRange(1))
def bench_crypto(repeat: int, number: int, page_requests: int, notes: int, subjects: int) -> None:
    """Median cost of a 2 KB value and the added time of a case page with 50 notes (and 50 subjects)."""
    from casebook.bench import crypto as bench

    fields = bench.field_medians(repeat=repeat, number=number)
    click.echo(f"field value: {fields.plaintext_bytes} bytes plaintext, {fields.stored_bytes} bytes stored")
    click.echo(
        f"encrypt: median {fields.encrypt_us:.2f} µs   decrypt: median {fields.decrypt_us:.2f} µs  (target < 50)"
    )
    notes_page = bench.page_medians(requests=page_requests, subjects=1, notes=notes)
    click.echo(
        f"case page with {notes} notes of 2 KB ({notes_page.encrypted_values} encrypted values shown, "
        f"{notes_page.data_keys} data keys): encrypted {notes_page.encrypted_ms:.2f} ms, "
        f"encryption off {notes_page.plain_ms:.2f} ms, added {notes_page.added_percent:.1f} % (target < 10 %)"
    )
    page = bench.page_medians(requests=page_requests, subjects=subjects)
    click.echo(
        f"worst case, case page with {subjects} subjects ({page.encrypted_values} encrypted values shown, "
        f"{page.data_keys} data keys): encrypted {page.encrypted_ms:.2f} ms, "
        f"encryption off {page.plain_ms:.2f} ms, added {page.added_percent:.1f} %"
    )


bench_group.add_command(bench_scale)  # code in bench/scale, outside the installed package
