"""Tie-in of a referral to a plan action, through a hook the plans module registers.

``Handoff.plan_action_id`` is a nullable reference without a foreign key, because the plans
module lives elsewhere. The plans module calls ``register_plan_action_link(link, app)`` from its ``init_app``; the
handoff services call it in their own transaction:

- ``choices(user, case)`` → the open actions a referral may be tied to, as (id, label);
- ``exists(case, action_id)`` → the action belongs to the case and can be referred;
- ``referred(case, action_id, handoff)`` when the referral is sent (mark it "referred");
- ``released(case, action_id, handoff)`` when it is rejected, cancelled or expires;
- ``done(case, action_id, handoff)`` when the receiver completes the referral.

Without a registered link, a referral cannot be tied to an action (the form hides the field).
"""

from __future__ import annotations

from typing import Any, Protocol

from flask import Flask

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.modules import contributions


class PlanActionLink(Protocol):
    def choices(self, user: User, case: Case) -> list[tuple[int, str]]: ...
    def exists(self, case: Case, action_id: int) -> bool: ...
    def referred(self, case: Case, action_id: int, handoff: Any) -> None: ...
    def released(self, case: Case, action_id: int, handoff: Any) -> None: ...
    def done(self, case: Case, action_id: int, handoff: Any) -> None: ...


HOOK = "handoffs.plan_action_link"


def register_plan_action_link(link: PlanActionLink | None, app: Flask | None = None) -> None:
    """Register (or with None, remove) the plan tie-in of ``app`` (default: the current app)."""
    contributions(app).hooks[HOOK] = link


def plan_action_link() -> PlanActionLink | None:
    return contributions().hooks.get(HOOK)
