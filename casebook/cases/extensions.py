"""Extension points of the case page, so domain modules add to it without editing the cases module.

Contributions are kept per app (``casebook.modules.contributions``): a module adds them from its
``init_app(app)`` — ``register_section(app, ...)``, ``register_timeline_source(app, ...)`` — never as
a side effect of being imported.

- **Sections**: a module registers a ``CaseSection`` (template + loader, and for a tab of the case
  dossier its ``label`` and ``path``: ``/cases/<id>/<path>``). The dossier shows one section per
  page — the tab asked for — under the case's header; a section whose loader returns None (the
  viewer may not see it) has no tab and its page is a 404. ``visible`` answers "is there a tab?"
  without reading the section's data; ``facts`` add lines to the header on every tab and
  ``summary`` a short block to the Overzicht, both from the section's one read (``read_once``).
- **Timeline**: a module registers a source that yields ``TimelineEntry`` items for a case and
  viewer; the case page merges them newest first. Sources apply the policy themselves.
- **One read per module**: a module's section and its timeline entries come from the same audited
  service read, done once per request through ``read_once`` — so the case page reads, decrypts and
  audits each kind of data once, however many places on the page show it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from flask import Flask, g, has_app_context

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.modules import contributions


@dataclass(frozen=True)
class CaseFact:
    """One line of the case's header (e.g. "Casusregisseur: …"), contributed by a module."""

    label: str  # already translated
    value: str  # already translated; templates escape it
    url: str | None = None
    warning: str | None = None  # a badge that asks for attention (e.g. "2 te laat"), already translated


@dataclass(frozen=True)
class CaseSection:
    key: str  # anchor id on the page, e.g. "journal"
    template: str  # e.g. "journal/_section.html"; receives ``case``, ``open_form`` and the loader's context
    load: Callable[[User, Case], dict[str, Any] | None]
    order: int = 100
    label: Any = None  # the tab's label (a lazy string); None: the section has no tab
    path: str | None = None  # the tab's page ``/cases/<id>/<path>``; "" is the case's own URL (Overzicht)
    # The action a viewer needs on the case for this tab (``can(user, action, case)``): without it
    # there is no tab, and asking for its page is a denial (audited, 404).
    action: Action | None = None
    # Any other check whether there is a tab for this viewer, reading nothing; it must agree with
    # ``load`` returning None. None: the action (if any) decides.
    visible: Callable[[User, Case], bool] | None = None
    facts: Callable[[User, Case], list[CaseFact]] | None = None  # header lines, on every tab
    summary: Callable[[User, Case], dict[str, Any] | None] | None = None  # the Overzicht's block
    summary_template: str | None = None  # receives ``case``, ``summary`` and ``section_url``

    def shown_to(self, user: User, case: Case) -> bool:
        if self.action is not None and not can(user, self.action, case):
            return False
        return self.visible is None or self.visible(user, case)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime  # UTC
    kind: str  # e.g. "status", "note", "intervention", "plan", "participant", "handoff", "meeting"
    title: str  # already translated, no personal data needed to understand it
    actor: str | None = None  # display name
    organisation: str | None = None  # organisation name
    detail: str | None = None  # may carry decrypted text the viewer may read; templates escape it
    url: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


TimelineSource = Callable[[User, Case], Iterable[TimelineEntry]]

T = TypeVar("T")
_READS = "case_page_reads"


def read_once(key: str, user: User, case: Case, read: Callable[[], T]) -> T:
    """``read()``, once per case page: while the page is built (``one_read_per_module``) the first
    call for ``key``, ``user`` and ``case`` reads and later calls get the same result. A module's
    section loader and timeline source both call it around the module's audited service read, so
    the read (and its audit event) happens once per page view. Outside a page build it just reads.
    """
    reads: dict[tuple[str, int | None, int], Any] | None = g.get(_READS) if has_app_context() else None
    if reads is None:
        return read()
    slot = (key, getattr(user, "id", None), case.id)
    if slot not in reads:
        reads[slot] = read()
    return reads[slot]


@contextmanager
def one_read_per_module() -> Iterator[None]:
    """Memoise the modules' reads (``read_once``) while one case page is built, in ``flask.g``: gone
    with the page, never shared between requests, and not kept across a change made after it."""
    outer = g.get(_READS)
    setattr(g, _READS, {} if outer is None else outer)
    try:
        yield
    finally:
        if outer is None:
            g.pop(_READS, None)


def register_section(app: Flask, section: CaseSection) -> None:
    contributions(app).case_sections[section.key] = section


def register_timeline_source(app: Flask, kind: str, source: TimelineSource) -> None:
    contributions(app).timeline_sources[kind] = source


def registered_sections() -> dict[str, CaseSection]:
    """The current app's case-page sections by key."""
    return contributions().case_sections


def tabs_for(user: User, case: Case) -> list[CaseSection]:
    """The dossier's tabs for ``user``, in order: the sections with a label and a page that the
    viewer may see (``CaseSection.visible``; no section's data is read for this)."""
    return [
        section
        for section in sorted(registered_sections().values(), key=lambda s: (s.order, s.key))
        if section.label is not None and section.path is not None and section.shown_to(user, case)
    ]


def section_at(path: str) -> CaseSection | None:
    """The registered section whose tab lives at ``/cases/<id>/<path>``, if any."""
    return next((s for s in registered_sections().values() if s.path == path and s.label is not None), None)


def timeline_kinds() -> list[str]:
    return sorted(contributions().timeline_sources)


def sections_for(user: User, case: Case) -> list[tuple[CaseSection, dict[str, Any]]]:
    rendered = []
    for section in sorted(registered_sections().values(), key=lambda s: (s.order, s.key)):
        context = section.load(user, case)
        if context is not None:
            rendered.append((section, context))
    return rendered


def timeline_for(user: User, case: Case, kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
    """All entries the viewer may see, newest first; ``kinds`` filters by source."""
    sources = contributions().timeline_sources
    wanted = set(kinds) if kinds else set(sources)
    entries: list[TimelineEntry] = []
    for kind, source in sources.items():
        if kind in wanted:
            entries.extend(source(user, case))
    return sorted(entries, key=lambda e: e.at, reverse=True)
