"""Saved case-list filters: a user keeps a filter (type, status, district, mine, open/closed, sort)
under a name of their own and applies it again later.

What is kept: the filter's codes and the sort only — **never a search term** (a family name or a
reference typed in the search box is personal data; a saved filter is for the kind of list, the
search is typed again). The name is the user's free text, so it is stored encrypted under the
filter's own data key; its uniqueness per user is checked on a keyed digest of the name
(``name_key``), never on the plain name. A saved filter is its owner's alone
(``Action.MANAGE_OWN_CASE_FILTER``): another user's id is a 404.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, LargeBinary, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from casebook import audit
from casebook.access import Action, load_or_404
from casebook.auth.models import User
from casebook.crypto import compute_blind_index
from casebook.crypto.store import EncryptedText, current_keyring
from casebook.db import Base, db, utcnow
from casebook.errors import RuleViolation

MAX_FILTERS_PER_USER = 50
MAX_NAME_LENGTH = 80
# the filter parameters a saved filter may hold (codes, a flag, the sort): nothing typed
SAVED_PARAMS = ("type", "status", "district", "mine", "sort")


def _self(saved: SavedCaseFilter) -> SavedCaseFilter:
    return saved


class SavedCaseFilter(Base):
    __tablename__ = "saved_case_filter"
    __table_args__ = (UniqueConstraint("user_id", "name_key", name="uq_saved_case_filter_name"),)
    crypto_owner_type = "saved_case_filter"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=lambda: str(uuid.uuid4()))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name_ciphertext: Mapped[bytes | None] = mapped_column("name", LargeBinary)
    name_key: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    name = EncryptedText("name_ciphertext", owner=_self)

    def __repr__(self) -> str:  # never the name
        return f"<SavedCaseFilter {self.id} user={self.user_id}>"


class DuplicateFilterName(RuleViolation):
    """The user already has a saved filter of that name (422 on the name field)."""


def _name_key(user: User, name: str) -> str:
    normalised = " ".join(name.casefold().split())
    return compute_blind_index(current_keyring().index_key_for("saved_filter_name"), f"{user.id}|{normalised}")


def clean_params(params: dict[str, Any]) -> dict[str, str]:
    """Only the known parameters, as short strings (the list parses them again when applied)."""
    return {key: str(params[key])[:64] for key in SAVED_PARAMS if params.get(key) not in (None, "", False)}


def list_own(user: User) -> list[SavedCaseFilter]:
    """The user's own saved filters, by name (decrypted: their own text)."""
    rows = list(db.session.scalars(select(SavedCaseFilter).where(SavedCaseFilter.user_id == user.id)))
    return sorted(rows, key=lambda row: str(row.name or "").casefold())


def save(user: User, name: str, params: dict[str, Any]) -> SavedCaseFilter:
    """Keep ``params`` under ``name`` for ``user``. Audited without the name.

    :raises DuplicateFilterName: the user has a filter of this name already.
    :raises RuleViolation: an empty or too long name, or too many saved filters.
    """
    name = " ".join((name or "").split())
    if not name:
        raise RuleViolation(str(_l("Geef het filter een naam.")), "name")
    if len(name) > MAX_NAME_LENGTH:
        raise RuleViolation(str(_l("De naam is te lang (hoogstens %(max)s tekens).", max=MAX_NAME_LENGTH)), "name")
    key = _name_key(user, name)
    own = list(db.session.scalars(select(SavedCaseFilter.name_key).where(SavedCaseFilter.user_id == user.id)))
    if key in own:
        raise DuplicateFilterName(str(_l("U hebt al een filter met deze naam.")), "name")
    if len(own) >= MAX_FILTERS_PER_USER:
        raise RuleViolation(str(_l("U kunt hoogstens %(max)s filters bewaren.", max=MAX_FILTERS_PER_USER)), "name")
    saved = SavedCaseFilter(user_id=user.id, name=name, name_key=key, params=clean_params(params))
    db.session.add(saved)
    db.session.flush()
    audit.record(user, "case.filter.save", saved, details={"params": sorted(saved.params)})
    return saved


def load_own(user: User, filter_id: Any) -> SavedCaseFilter:
    """The user's own saved filter. :raises Refused: another user's, or none (a 404; audited)."""
    return load_or_404(user, SavedCaseFilter, filter_id, Action.MANAGE_OWN_CASE_FILTER, audit_read=False)


def delete(user: User, filter_id: Any) -> None:
    """Delete the user's own saved filter. :raises Refused: another user's, or none."""
    saved = load_own(user, filter_id)
    audit.record(user, "case.filter.delete", saved)
    db.session.delete(saved)
    db.session.flush()
