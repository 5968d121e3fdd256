"""Median cost to encrypt and decrypt one 2 KB field value (target: under 50 µs each).

Run from the repository root: ``python bench/bench_crypto_fields.py [--repeat 201] [--number 200]``.
The measurement lives in ``casebook.crypto.bench`` and is also part of ``casebook bench crypto``,
which adds the page benchmark (encryption on versus off, in one run).
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from casebook.crypto.bench import field_medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=201)
    parser.add_argument("--number", type=int, default=200)
    parser.add_argument("--size", type=int, default=2048, help="plaintext size in bytes (ASCII)")
    args = parser.parse_args()
    result = field_medians(repeat=args.repeat, number=args.number, size=args.size)
    print(f"field value: {result.plaintext_bytes} bytes plaintext, {result.stored_bytes} bytes stored")
    print(f"encrypt: median {result.encrypt_us:.2f} µs")
    print(f"decrypt: median {result.decrypt_us:.2f} µs")


if __name__ == "__main__":
    main()
