"""Benchmarks of Casebook (``casebook bench …``); not part of the installed package."""
