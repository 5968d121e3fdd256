"""Benchmarks of the running product (an edge, like the CLI and the demo): they build apps and
databases of their own, so they sit on top of everything and nothing below imports them.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from casebook.bench.cli import bench_group

    app.cli.add_command(bench_group)
