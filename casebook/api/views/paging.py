"""Keyset pages in the API (``casebook.pagination``): a cursor the list did not issue is a 400, and each
page links the next and the previous one with the same query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import url_for

from casebook.api.problems import ApiProblem
from casebook.api.schemas.common import PageQuery
from casebook.pagination import InvalidCursor, Page

CURSOR_ERRORS = (400,)  # every list operation documents the invalid-cursor problem


@contextmanager
def valid_cursors() -> Iterator[None]:
    """``InvalidCursor`` from a list service inside the block becomes 400 ``invalid-cursor``."""
    try:
        yield
    except InvalidCursor:
        raise ApiProblem(
            400,
            "invalid-cursor",
            detail="De cursor is ongeldig; volg de links next en prev van een eerdere pagina.",
        ) from None


def page_members(page: Page[Any], query: PageQuery, endpoint: str, **path_args: Any) -> dict[str, Any]:
    """``total``, ``total_is_exact``, ``per_page``, ``next`` and ``prev`` of a ``PageOf``: the links repeat
    the query (filters, ``per_page``, ``total``) with the cursor of the neighbouring page."""
    args = {
        k: v
        for k, v in query.model_dump(mode="json", exclude={"after", "before"}).items()
        if v is not None and not (k == "total" and v == "capped")
    }

    def link(**cursor: str) -> str:
        return url_for(endpoint, **path_args, **args, **cursor, _external=True)

    return {
        "total": page.total,
        "total_is_exact": page.total_is_exact,
        "per_page": page.per_page,
        "next": link(after=page.next_cursor) if page.next_cursor else None,
        "prev": link(before=page.prev_cursor) if page.prev_cursor else None,
    }
