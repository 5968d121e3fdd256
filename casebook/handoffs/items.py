"""What else a handoff shares: a registry of item kinds that content modules register into.

The registry itself knows no notes, interventions or plan goals: ``content_kinds.py`` registers
a ``SharedItemKind`` for each (``register_item_kind``) from ``casebook.handoffs.init_app``; the kinds
are kept in the app (``casebook.modules.contributions``).
A ``handoff_item`` row stores only ``(kind, id)``; everything else goes through here:

- ``candidates(user, case)``: what the sender may pick (only items of this case).
- ``load(case, item_id)``: the item if it belongs to ``case``, else None.
- ``is_internal(item)``: **mandatory**. True for anything that must never leave its organisation.
- ``render(item, context)``: title and text as the receiver sees them (BSNs masked when the
  receiving organisation may not process them).

The rule "never internal notes" is enforced twice: every item is refused when the kind's
``is_internal`` says so, *and* whenever the object carries ``visibility == "internal"``, whatever
the kind says. The journal's registration must pass ``check_never_shares_internal(kind, note)``
with one of its internal notes — its tests call it (see tests/handoffs/test_items.py for the pattern).
Unknown kinds are refused when sending, and shown as "niet meer beschikbaar" when rendering.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto import bsn_is_valid, mask_bsn
from casebook.errors import RuleViolation
from casebook.modules import contributions


@dataclass(frozen=True)
class ItemChoice:
    item_id: int
    label: str  # what the sender sees in the picker


@dataclass(frozen=True)
class RenderContext:
    viewer: User
    bsn_allowed: bool  # the receiving organisation may process the BSN
    handoff: Any = None  # the handoff being shown (a kind may link to what it shares through it)


@dataclass(frozen=True)
class RenderedItem:
    kind_label: Any  # str or a lazy translated string
    title: Any
    text: str | None = None
    at: datetime | None = None
    url: str | None = None  # e.g. the download of a shared document, once the handoff is accepted


@dataclass(frozen=True)
class SharedItemKind:
    kind: str  # "note", "intervention", "plan_goal"
    label: Any  # lazy translated label, e.g. _l("Journaalnotitie")
    candidates: Callable[[User, Case], list[ItemChoice]]
    load: Callable[[Case, int], Any | None]
    is_internal: Callable[[Any], bool]
    render: Callable[[Any, RenderContext], RenderedItem]


class ItemRefused(RuleViolation):
    """An item cannot be shared: unknown kind, not in this case, or internal."""


HOOK = "handoffs.item_kinds"


def _registry(app: Flask | None = None) -> dict[str, SharedItemKind]:
    """The item kinds of ``app`` (default: the current app): kept in the app, not the process."""
    return contributions(app).hooks.setdefault(HOOK, {})


def register_item_kind(kind: SharedItemKind, app: Flask | None = None) -> None:
    if not kind.kind or ":" in kind.kind or len(kind.kind) > 32:
        raise ValueError(f"bad item kind {kind.kind!r}")
    if not callable(kind.is_internal):
        raise ValueError("a shared item kind must say what is internal")
    _registry(app)[kind.kind] = kind


def unregister_item_kind(kind: str) -> None:
    _registry().pop(kind, None)


def item_kinds() -> list[SharedItemKind]:
    kinds = _registry()
    return [kinds[k] for k in sorted(kinds)]


def get_kind(kind: str) -> SharedItemKind | None:
    return _registry().get(kind)


def is_internal(kind: SharedItemKind, item: Any) -> bool:
    """The kind's own rule, or the generic one: anything marked ``visibility == "internal"``."""
    return bool(kind.is_internal(item)) or str(getattr(item, "visibility", "")).lower() == "internal"


def validate(case: Case, kind_name: str, item_id: int) -> Any:
    """The item to share, checked. :raises ItemRefused:"""
    kind = _registry().get(kind_name)
    if kind is None:
        raise ItemRefused(f"unknown item kind {kind_name!r}")
    item = kind.load(case, item_id)
    if item is None:
        raise ItemRefused(f"{kind_name} {item_id} is not part of this case")
    if is_internal(kind, item):
        raise ItemRefused(f"{kind_name} {item_id} is internal and is never shared")
    return item


def check_never_shares_internal(kind_name: str, internal_item: Any) -> None:
    """Conformance check for a registration: an internal item of the kind must be refused.

    :raises AssertionError: the registration would let an internal item through.
    """
    kind = _registry().get(kind_name)
    assert kind is not None, f"{kind_name!r} is not registered"
    assert is_internal(kind, internal_item), f"{kind_name!r} registration does not recognise an internal item"


_BSN_CANDIDATE = re.compile(r"(?<!\d)(\d[\s.\-]?){8}\d(?!\d)")


def find_bsns(text: str | None) -> list[str]:
    """Nine-digit numbers in free text that pass the 11-proef (so probably a BSN)."""
    if not text:
        return []
    return [m.group(0) for m in _BSN_CANDIDATE.finditer(text) if bsn_is_valid(m.group(0))]


def mask_bsns(text: str | None) -> str | None:
    """The text with every probable BSN masked (``*****6782``)."""
    if not text:
        return text
    return _BSN_CANDIDATE.sub(lambda m: mask_bsn(m.group(0)) if bsn_is_valid(m.group(0)) else m.group(0), text)


def render_items(case: Case, rows: list[tuple[str, int]], context: RenderContext) -> list[RenderedItem]:
    """Render shared items for a viewer. An item that vanished or turned internal is not shown."""
    rendered = []
    for kind_name, item_id in rows:
        kind = _registry().get(kind_name)
        item = kind.load(case, item_id) if kind else None
        if kind is None or item is None or is_internal(kind, item):
            rendered.append(RenderedItem(kind_label=_l("Onderdeel"), title=_l("niet meer beschikbaar")))
            continue
        shown = kind.render(item, context)
        if not context.bsn_allowed:
            shown = replace(shown, title=mask_bsns(shown.title) or "", text=mask_bsns(shown.text))
        rendered.append(shown)
    return rendered
