"""Throughput of document upload and download on DirectoryStorage, and the memory of a 50 MB upload.

Run from the repository root: ``python bench/bench_documents.py [--size-mb 25] [--repeat 3]``.
Upload is ``store_upload`` (read, encrypt, write, fsync, rename, then the content check, which
for text decrypts the whole file once more); download is ``open_download`` read to the end.
Prints one JSON object; throughput is the best of ``--repeat`` runs, in MB/s of plaintext.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
import tracemalloc

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from casebook.documents.sink import open_download, store_upload
from casebook.documents.storage import DirectoryStorage

MB = 1024 * 1024
LINE = b"Regel uit een gespreksverslag voor de benchmark van de documentopslag.\n"


class GeneratedText(io.RawIOBase):
    """``size`` bytes of text made on the fly, so the source itself costs no memory."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.block = LINE * (64 * 1024 // len(LINE) + 1)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        count = min(len(buffer), self.remaining, len(self.block))
        buffer[:count] = self.block[:count]
        self.remaining -= count
        return count


def _upload(storage: DirectoryStorage, size: int, dek: bytes):  # type: ignore[no-untyped-def]
    return store_upload(GeneratedText(size), dek=dek, blob_ref="bench", storage=storage, scanner=None, max_bytes=size)


def measure(size_mb: int, repeat: int, peak_mb: int) -> dict[str, float]:
    """Best-of-``repeat`` upload and download MB/s, and the traced peak of one ``peak_mb`` upload."""
    dek = os.urandom(32)
    size = size_mb * MB
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as root:
        storage = DirectoryStorage(root)
        uploads, downloads = [], []
        for _ in range(repeat):
            began = time.perf_counter()
            stored = _upload(storage, size, dek)
            uploads.append(time.perf_counter() - began)
            began = time.perf_counter()
            received = sum(len(piece) for piece in open_download(storage, stored.key, stored.size, dek, "bench"))
            downloads.append(time.perf_counter() - began)
            assert received == size
            storage.delete(stored.key)
        tracemalloc.start()
        stored = _upload(storage, peak_mb * MB, dek)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        storage.delete(stored.key)
    return {
        "size_mb": size_mb,
        "upload_mb_per_s": round(size_mb / min(uploads), 1),
        "download_mb_per_s": round(size_mb / min(downloads), 1),
        "peak_upload_mb": peak_mb,
        "peak_traced_memory_mb": round(peak / MB, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--peak-mb", type=int, default=50)
    args = parser.parse_args()
    print(json.dumps(measure(args.size_mb, args.repeat, args.peak_mb)))


if __name__ == "__main__":
    main()
