"""Extension points of the case page, so domain modules add to it without editing the cases module.

- **Sections**: a module registers a ``CaseSection`` (template + loader); the case page renders
  every section whose loader returns a context (None hides it: the viewer may not see it).
- **Timeline**: a module registers a source that yields ``TimelineEntry`` items for a case and
  viewer; the case page merges them newest first. Sources apply the policy themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from casebook.auth.models import User
from casebook.cases.models import Case


@dataclass(frozen=True)
class CaseSection:
    key: str  # anchor id on the page, e.g. "journal"
    template: str  # e.g. "journal/_section.html"; receives ``case`` and the loader's context
    load: Callable[[User, Case], dict[str, Any] | None]
    order: int = 100


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


_sections: dict[str, CaseSection] = {}
_timeline_sources: dict[str, Callable[[User, Case], Iterable[TimelineEntry]]] = {}


def register_section(section: CaseSection) -> None:
    _sections[section.key] = section


def register_timeline_source(kind: str, source: Callable[[User, Case], Iterable[TimelineEntry]]) -> None:
    _timeline_sources[kind] = source


def timeline_kinds() -> list[str]:
    return sorted(_timeline_sources)


def sections_for(user: User, case: Case) -> list[tuple[CaseSection, dict[str, Any]]]:
    rendered = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.load(user, case)
        if context is not None:
            rendered.append((section, context))
    return rendered


def timeline_for(user: User, case: Case, kinds: Iterable[str] | None = None) -> list[TimelineEntry]:
    """All entries the viewer may see, newest first; ``kinds`` filters by source."""
    wanted = set(kinds) if kinds else set(_timeline_sources)
    entries: list[TimelineEntry] = []
    for kind, source in _timeline_sources.items():
        if kind in wanted:
            entries.extend(source(user, case))
    return sorted(entries, key=lambda e: e.at, reverse=True)
