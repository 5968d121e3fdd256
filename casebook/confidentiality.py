"""The ZGW ``vertrouwelijkheidaanduiding`` scale, ordered from least to most confidential.

Stored as its rank so the policy can compare levels in SQL (``case.confidentiality <= max``).
"""

from __future__ import annotations

import enum


class Confidentiality(enum.IntEnum):
    OPENBAAR = 1
    BEPERKT_OPENBAAR = 2
    INTERN = 3
    ZAAKVERTROUWELIJK = 4
    VERTROUWELIJK = 5
    CONFIDENTIEEL = 6
    GEHEIM = 7
    ZEER_GEHEIM = 8

    @property
    def code(self) -> str:
        """The ZGW code, e.g. ``zaakvertrouwelijk``; used in the API and forms."""
        return self.name.lower()

    @property
    def label(self) -> str:
        return self.code.replace("_", " ")

    @classmethod
    def from_code(cls, code: str) -> Confidentiality:
        try:
            return cls[code.strip().upper()]
        except KeyError as exc:
            raise ValueError(f"unknown confidentiality {code!r}") from exc
