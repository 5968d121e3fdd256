"""Keyset ("seek") pagination with a capped total: a page costs the same at row 10 as at row 100,000.

Why not OFFSET and ``count(*)``: at 100k cases the case list spent most of its time counting every
visible row, and OFFSET reads and throws away every row before the page. Here a page is "the next
``per_page + 1`` rows after this sort key" on an indexed order whose last column is unique (the id),
so across pages no row is skipped or shown twice even when many rows share a timestamp, and the
extra row says whether there is a next page. The total counts at most ``TOTAL_CAP + 1`` rows
("more than 1,000") unless the caller asks for the exact number; it is counted on every page, so a
page always sends the same statements whatever the data.

A cursor is opaque to clients: base64url of the list's name and one row's sort key (a timestamp, a
date, a code or reference, and an id — never personal data) behind a short MAC under the
application's secret key, so a cursor we did not issue — malformed, edited, or from another list or
order — is refused (``InvalidCursor``) rather than guessed at. A cursor only says where to start:
which rows exist is decided on every request by the caller's WHERE clause (the policy's scope), so
a cursor taken from one user's list shows another user nothing but their own rows.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, Select, func, literal, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

T = TypeVar("T")
U = TypeVar("U")

TOTAL_CAP = 1000  # totals above this are "more than 1,000" unless counted exactly on request
MAX_CURSOR_LENGTH = 512  # far above any cursor we issue; longer input is refused before decoding
_MAC_BYTES = 12
_MAC_CONTEXT = b"casebook.pagination.cursor.v1"
_MAX_INT = 2**63 - 1
_MAX_TEXT_KEY = 64  # a code or a reference

Position = Literal["first", "next", "previous"]


class InvalidCursor(ValueError):
    """A cursor this application did not issue for this list: malformed, tampered with, too long,
    or both ``after`` and ``before`` given. The API answers 400; the screens show the first page."""


@dataclass(frozen=True)
class Order:
    """A list's order: the columns (the last one unique, so the order is total) and one direction.

    ``name`` is bound into the cursors, so a cursor of the case list is no cursor of the audit log.
    The database needs an index on the columns (after any equality filter the list always has).
    """

    name: str
    columns: tuple[InstrumentedAttribute[Any], ...]
    descending: bool = True
    #: per column, the value a NULL sorts as (None: the column is never NULL). A row-value comparison
    #: with a NULL in it is unknown, so a nullable column is ordered and compared as COALESCE(column,
    #: stand-in): rows without a value then sort together at one end, and no row falls out of the pages.
    nulls_as: tuple[Any, ...] | None = None

    def key_of(self, row: Any) -> tuple[Any, ...]:
        values = tuple(getattr(row, column.key) for column in self.columns)
        if self.nulls_as is None:
            return values
        return tuple(
            stand_in if value is None else value for value, stand_in in zip(values, self.nulls_as, strict=True)
        )

    def _expressions(self) -> list[ColumnElement[Any]]:
        if self.nulls_as is None:
            return list(self.columns)
        return [
            column if stand_in is None else func.coalesce(column, literal(stand_in, column.type))
            for column, stand_in in zip(self.columns, self.nulls_as, strict=True)
        ]

    def order_by(self) -> list[ColumnElement[Any]]:
        """The ORDER BY of this order, for a caller that reads the rows without pages (an export)."""
        return self._by(reverse=False)

    def _by(self, reverse: bool) -> list[ColumnElement[Any]]:
        descending = self.descending != reverse
        return [column.desc() if descending else column.asc() for column in self._expressions()]

    def _beyond(self, key: tuple[Any, ...], reverse: bool) -> ColumnElement[bool]:
        """Rows strictly past ``key`` in this order (``reverse``: strictly before it), as one row-value
        comparison, which both databases serve from the index on the columns."""
        bound = tuple_(*(literal(value, column.type) for value, column in zip(key, self.columns, strict=True)))
        row = tuple_(*self._expressions())
        return row < bound if self.descending != reverse else row > bound

    # -- cursors ------------------------------------------------------------------------------
    def encode(self, key: tuple[Any, ...]) -> str:
        payload = json.dumps([self.name, *(_plain(value) for value in key)], separators=(",", ":")).encode()
        token = base64.urlsafe_b64encode(_mac(payload) + payload).rstrip(b"=")
        return token.decode("ascii")

    def decode(self, token: str) -> tuple[Any, ...]:
        """The sort key in ``token``. :raises InvalidCursor: anything but a cursor we issued for this list."""
        if not token or len(token) > MAX_CURSOR_LENGTH or not token.isascii():
            raise InvalidCursor()
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            raise InvalidCursor() from None
        tag, payload = raw[:_MAC_BYTES], raw[_MAC_BYTES:]
        if not payload or not hmac.compare_digest(tag, _mac(payload)):
            raise InvalidCursor()
        try:
            name, *values = json.loads(payload)
        except (ValueError, TypeError):
            raise InvalidCursor() from None
        if name != self.name or len(values) != len(self.columns):
            raise InvalidCursor()
        return tuple(_typed(value, column) for value, column in zip(values, self.columns, strict=True))


def _mac(payload: bytes) -> bytes:
    secret = current_app.secret_key
    key = secret.encode() if isinstance(secret, str) else bytes(secret or b"")
    return hmac.new(key, _MAC_CONTEXT + b"\x00" + payload, hashlib.sha256).digest()[:_MAC_BYTES]


def _plain(value: Any) -> Any:
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, int | str):  # ids; codes and references (never personal data)
        return value
    raise TypeError(f"a sort key holds only dates, times, ids and codes, not {type(value).__name__}")


def _typed(value: Any, column: InstrumentedAttribute[Any]) -> Any:
    column_type = column.type
    expected = getattr(column_type, "impl_instance", column_type).python_type  # a TypeDecorator: its impl's
    try:
        if expected is datetime and isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed
        elif expected is date and isinstance(value, str):
            return date.fromisoformat(value)
        elif _is_id(value, expected) or _is_code(value, expected):
            return value
    except ValueError:
        pass
    raise InvalidCursor()


def _is_id(value: Any, expected: type) -> bool:
    return expected is int and type(value) is int and abs(value) <= _MAX_INT


def _is_code(value: Any, expected: type) -> bool:
    return expected is str and isinstance(value, str) and len(value) <= _MAX_TEXT_KEY


@dataclass(frozen=True)
class PageRequest:
    """Which page the caller asks for: the first, the one ``after`` a cursor, or the one ``before`` it."""

    per_page: int = 25
    after: str | None = None
    before: str | None = None
    exact_total: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str], per_page: int) -> PageRequest:
        """The screens' query string: ``after`` / ``before`` (cursors) and ``total=exact``."""
        return cls(
            per_page=per_page,
            after=args.get("after") or None,
            before=args.get("before") or None,
            exact_total=args.get("total") == "exact",
        )

    @property
    def position(self) -> Position:
        if self.after:
            return "next"
        return "previous" if self.before else "first"

    def first(self) -> PageRequest:
        return replace(self, after=None, before=None)

    def audit_details(self) -> dict[str, Any]:
        """Where the page is, for the list's audit event: token-shaped, never the cursor itself."""
        details: dict[str, Any] = {"page": self.position, "per_page": self.per_page}
        if self.exact_total:
            details["total"] = "exact"
        return details


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list.

    ``total`` counts the whole list (not the page) under the same filters: exact when
    ``total_is_exact``, else ``TOTAL_CAP`` and the list holds more than that. ``next_cursor`` /
    ``prev_cursor`` are for ``after`` / ``before``, None where there is no such page.
    """

    items: list[T]
    per_page: int
    total: int
    total_is_exact: bool
    position: Position
    next_cursor: str | None = None
    prev_cursor: str | None = None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None

    @property
    def is_first(self) -> bool:
        return self.position == "first"

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with each item converted (e.g. a signal to its queue entry)."""
        return replace(self, items=[convert(item) for item in self.items])  # type: ignore[return-value]


def count_capped(
    session: Session, query: Select[Any], key: InstrumentedAttribute[Any], *, exact: bool, order: Order | None = None
) -> tuple[int, bool]:
    """(total, exact?) of ``query``'s rows: at most ``TOTAL_CAP + 1`` rows are counted unless ``exact``.

    A capped count reads its rows in the list's ``order`` when given: the database then walks the
    index the pages use and stops after ``TOTAL_CAP + 1`` rows, rather than scanning the table when a
    filter (e.g. open cases only) makes matching rows sparse."""
    rows = query.with_only_columns(key).order_by(None)
    if exact:
        return session.scalar(select(func.count()).select_from(rows.subquery())) or 0, True
    if order is not None:
        rows = rows.order_by(*order.order_by())
    counted = session.scalar(select(func.count()).select_from(rows.limit(TOTAL_CAP + 1).subquery())) or 0
    return (TOTAL_CAP, False) if counted > TOTAL_CAP else (counted, True)


def paginate(
    session: Session, query: Select[Any], order: Order, request: PageRequest, count_query: Select[Any] | None = None
) -> Page[Any]:
    """One page of ``query`` (its WHERE decides what exists; it has no ORDER BY) in ``order``.

    ``count_query``, if given, selects the same rows as ``query`` written for counting (a scope whose
    fastest form for a count differs from the fastest for a page); the total is counted on it.

    Two statements: the capped count and the page's rows; three when a ``before`` page reaches the
    top of the list short of a full page (rows were added meanwhile), which is then the first page.

    :raises InvalidCursor: the cursor was not issued for this list (nothing is read then).
    """
    if request.after and request.before:
        raise InvalidCursor()
    cursor = request.after or request.before
    key = order.decode(cursor) if cursor is not None else None  # refuse before reading anything
    per_page = request.per_page
    total, exact = count_capped(
        session,
        query if count_query is None else count_query,
        order.columns[-1],
        exact=request.exact_total,
        order=order,
    )

    def fetch(where: ColumnElement[bool] | None, reverse: bool) -> list[Any]:
        page_query = query if where is None else query.where(where)
        page_query = page_query.order_by(*order._by(reverse)).limit(per_page + 1)
        return list(session.scalars(page_query).unique())

    def first_page() -> Page[Any]:
        rows = fetch(None, reverse=False)
        return Page(
            items=rows[:per_page],
            per_page=per_page,
            total=total,
            total_is_exact=exact,
            position="first",
            next_cursor=order.encode(order.key_of(rows[per_page - 1])) if len(rows) > per_page else None,
        )

    if key is None:
        return first_page()
    if request.after:
        rows = fetch(order._beyond(key, reverse=False), reverse=False)
        items = rows[:per_page]
        return Page(
            items=items,
            per_page=per_page,
            total=total,
            total_is_exact=exact,
            position="next",
            next_cursor=order.encode(order.key_of(items[-1])) if len(rows) > per_page else None,
            # the page before starts at the first row shown (or, past the end, at the cursor's row)
            prev_cursor=order.encode(order.key_of(items[0])) if items else request.after,
        )
    rows = fetch(order._beyond(key, reverse=True), reverse=True)
    more_before = len(rows) > per_page
    items = list(reversed(rows[:per_page]))
    if not more_before and len(items) < per_page:
        return first_page()  # the top of the list: show it as the first page, full
    return Page(
        items=items,
        per_page=per_page,
        total=total,
        total_is_exact=exact,
        position="previous" if more_before else "first",
        next_cursor=order.encode(order.key_of(items[-1])) if items else None,
        prev_cursor=order.encode(order.key_of(items[0])) if more_before else None,
    )


def first_page_if_invalid(read: Callable[[PageRequest], T], request: PageRequest) -> tuple[T, bool]:
    """``read(request)``, or the first page when its cursor is invalid (the screens: an old or edited link
    shows the first page with a short notice, never an error). Returns (result, cursor_refused)."""
    try:
        return read(request), False
    except InvalidCursor:
        return read(request.first()), True
