"""Extension point of the household page: the household plan and other per-household views.

The plan module registers a section that groups the plan goals of the household's cases, e.g.::

    register_household_section(app, HouseholdSection(
        key="plan", template="plans/_household.html",
        load=lambda user, household, cases: {"goals": goals_grouped_by_domain(user, cases)},
    ))

``cases`` are only the cases the viewer may see (already filtered by the policy); a loader
returning None hides its section. Sections are kept per app (``casebook.modules.contributions``)
and added from the module's ``init_app(app)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.modules import contributions
from casebook.people.models import Household


@dataclass(frozen=True)
class HouseholdSection:
    key: str
    template: str  # receives ``household``, ``cases`` and the loader's context
    load: Callable[[User, Household, list[Case]], dict[str, Any] | None]
    order: int = 100


def register_household_section(app: Flask, section: HouseholdSection) -> None:
    contributions(app).household_sections[section.key] = section


def household_sections_for(user: User, household: Household, cases: list[Case]) -> list[tuple[HouseholdSection, dict]]:
    rendered = []
    for section in sorted(contributions().household_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.load(user, household, cases)
        if context is not None:
            rendered.append((section, context))
    return rendered
