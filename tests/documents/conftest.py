"""Fixtures for the documents tests. Kept small: the clamd fixtures live in ``clamd.py``."""

from tests.documents.clamd import clamd, own_clamd

__all__ = ["clamd", "own_clamd"]
