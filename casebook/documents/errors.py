"""Errors of the documents module, each with a Dutch message that is safe to show.

They derive from ``RuleViolation`` so the screens and the API map them like any refused input;
``status`` is the HTTP status the views answer with. The messages never carry a file name or
content: the name is typed by the user and must not reach a log or the audit chain.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from casebook.crypto.errors import DecryptionError
from casebook.errors import RuleViolation


class DocumentError(RuleViolation):
    """Base class: an upload or download of a document was refused or failed."""

    status = 422

    def __init__(self, message: str | None = None, field: str | None = "file") -> None:
        self.message = message or self.default_message()
        super().__init__(self.message, field)

    def default_message(self) -> str:
        """The Dutch text shown when the raiser gives none."""
        return str(_l("Het document kon niet worden verwerkt."))


class ContentRefused(DocumentError):
    """The content is not one of the allowed kinds (decided on the bytes, never the name)."""

    def default_message(self) -> str:
        return str(_l("Dit soort bestand wordt niet geaccepteerd."))


class DocumentTooLarge(DocumentError):
    """The upload exceeded ``max_bytes`` while streaming; nothing was kept (413)."""

    status = 413

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        megabytes = max(1, max_bytes // (1024 * 1024))
        super().__init__(str(_l("Het bestand is te groot (hoogstens %(mb)s MB).", mb=megabytes)))


class DocumentInfected(DocumentError):
    """The virus scanner recognised a signature; the service audits the refusal (422)."""

    def __init__(self, signature: str) -> None:
        self.signature = signature
        super().__init__(str(_l("Het bestand is geweigerd: de virusscanner heeft een bedreiging gevonden.")))


class ScanUnavailable(DocumentError):
    """The scanner could not give a verdict; we fail closed and keep nothing (503)."""

    status = 503

    def default_message(self) -> str:
        return str(_l("De virusscanner is niet bereikbaar. Probeer het later opnieuw."))


class DocumentIntegrityError(DocumentError, DecryptionError):
    """A stored document failed authentication: tampered, truncated, extended or swapped.

    Also a ``DecryptionError`` so code that shows an integrity error for one item handles it
    the same way as a field that fails to decrypt; never a 500.
    """

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message, field=None)

    def default_message(self) -> str:
        return str(_l("Het document is beschadigd of gewijzigd en kan niet worden geopend."))
