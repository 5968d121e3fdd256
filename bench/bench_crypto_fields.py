"""Median cost to encrypt and decrypt one 2 KB field value (target: under 50 µs each).

Run from the repository root: ``python bench/bench_crypto_fields.py [--repeat 201] [--number 200]``.
Each of `repeat` timing runs calls the operation `number` times; the median run is reported
per call, so one slow run (GC, scheduler) does not move the figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import timeit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from casebook.crypto import decrypt_text, encrypt_text, field_aad, new_dek


def median_us(stmt, repeat: int, number: int) -> float:
    """Median microseconds per call over `repeat` runs of `number` calls."""
    runs = timeit.repeat(stmt, repeat=repeat, number=number)
    return statistics.median(runs) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=201)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--size", type=int, default=2048, help="plaintext size in bytes (ASCII)")
    args = parser.parse_args()

    dek = new_dek()
    aad = field_aad("note", "body", "123456", "case:42")
    text = ("Gesprek met betrokkene en moeder over schoolverzuim en schulden. " * 64)[: args.size]
    blob = encrypt_text(dek, 42, text, aad)
    assert decrypt_text(dek, blob, aad) == text

    encrypt = median_us(lambda: encrypt_text(dek, 42, text, aad), args.repeat, args.number)
    decrypt = median_us(lambda: decrypt_text(dek, blob, aad), args.repeat, args.number)
    print(f"field value: {len(text.encode())} bytes plaintext, {len(blob)} bytes stored")
    print(f"encrypt: median {encrypt:.2f} µs")
    print(f"decrypt: median {decrypt:.2f} µs")


if __name__ == "__main__":
    main()
