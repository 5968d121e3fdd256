"""Evaluations of the plan as records: who took part, progress per goal, the decision, the next date.

- Recording one needs ``EDIT_PLAN`` on an open case; it was held today or earlier, by at least one
  participating organisation (lead, contributor or observer of the case, ended ones included).
- Progress is given for goals of this case only, each goal at most once; the note is optional.
- The decision to continue or adjust the plan needs a next evaluation date; stepping down may plan
  one; closing plans none. The date is after the evaluation and not in the past, and it is set on
  the case (``Case.next_evaluation_on``) from the case version the user saw, as one new case
  version with its field history: a stale version is a ``StaleCase``, nothing written.
- Evaluations and their notes are case content (``READ_CASE_CONTENT``); reading them is audited
  with the plan's read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from casebook import audit
from casebook.access import Action, require_audited
from casebook.auth.models import User
from casebook.cases.lifecycle import case_change, check_version, require_open
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.organisations.models import Organisation
from casebook.plans.models import (
    Evaluation,
    EvaluationDecision,
    EvaluationGoal,
    EvaluationParticipant,
    GoalProgress,
    PlanGoal,
)
from casebook.plans.services import MAX_TEXT_LENGTH, PlanRefused, _record_field_change, evaluations_of

NEEDS_NEXT_DATE = (EvaluationDecision.CONTINUE, EvaluationDecision.ADJUST)


@dataclass(frozen=True)
class GoalProgressInput:
    goal: PlanGoal
    progress: GoalProgress | str
    note: str | None = None


def _optional_text(value: str | None, field: str) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT_LENGTH:
        raise PlanRefused(f"Ten hoogste {MAX_TEXT_LENGTH} tekens.", field)
    return text or None


def participant_organisations(case: Case) -> list[Organisation]:
    """Who may be named as having taken part: every organisation that takes or took part in the case."""
    seen = {p.organisation_id: p.organisation for p in case.participants}
    return sorted(seen.values(), key=lambda o: o.name)


def record_evaluation(
    case: Case,
    *,
    by: User,
    held_on: date | None,
    participants: Sequence[Organisation],
    goals: Sequence[GoalProgressInput],
    decision: EvaluationDecision | str | None,
    next_evaluation_on: date | None,
    expected_version: int | None,
    other_participants: str | None = None,
    today: date | None = None,
) -> Evaluation:
    """Record an evaluation and set the case's next evaluation date from it.

    :raises AccessDenied: (audited) :raises PlanRefused: (``field`` names the input)
    :raises StaleCase: the case changed since ``expected_version`` (nothing written).
    """
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    check_version(case, expected_version)
    today = today or local_today()
    if held_on is None:
        raise PlanRefused("Vul de datum van de evaluatie in.", "held_on")
    if held_on > today:
        raise PlanRefused("Een evaluatie wordt vastgelegd als ze gehouden is: de datum ligt in de toekomst.", "held_on")
    allowed = {o.id for o in participant_organisations(case)}
    organisations = {o.id: o for o in participants}
    if not organisations:
        raise PlanRefused("Kies wie aan de evaluatie deelnam.", "participants")
    if set(organisations) - allowed:
        raise PlanRefused("Kies organisaties die aan de casus deelnemen.", "participants")
    try:
        decision = EvaluationDecision(decision) if decision else None
    except ValueError:
        decision = None
    if decision is None:
        raise PlanRefused("Kies een besluit.", "decision")
    if next_evaluation_on is not None:
        if decision is EvaluationDecision.CLOSE:
            raise PlanRefused("Bij afsluiten wordt geen volgende evaluatie gepland.", "next_evaluation_on")
        if next_evaluation_on <= held_on or next_evaluation_on < today:
            raise PlanRefused(
                "De volgende evaluatie ligt na deze evaluatie en niet in het verleden.", "next_evaluation_on"
            )
    elif decision in NEEDS_NEXT_DATE:
        raise PlanRefused("Plan de volgende evaluatie.", "next_evaluation_on")
    lines: list[EvaluationGoal] = []
    seen: set[int] = set()
    for line in goals:
        if line.goal.case_id != case.id or line.goal.id in seen:
            raise PlanRefused("Geef de voortgang per doel van deze casus, elk doel één keer.", "goals")
        seen.add(line.goal.id)
        try:
            progress = GoalProgress(line.progress)
        except ValueError:
            raise PlanRefused("Kies de voortgang.", f"progress-{line.goal.id}") from None
        lines.append(
            EvaluationGoal(goal=line.goal, progress=progress, note=_optional_text(line.note, f"note-{line.goal.id}"))
        )
    others = _optional_text(other_participants, "other_participants")
    old = case.next_evaluation_on
    with case_change(case, expected_version):
        case.next_evaluation_on = next_evaluation_on
        case.version += 1  # the evaluation is a new version of the case even when the date stays
        evaluation = Evaluation(
            case=case,
            held_on=held_on,
            decision=decision,
            next_evaluation_on=next_evaluation_on,
            case_version=case.version,
            recorded_by=by,
            other_participants=others,
            participants=[EvaluationParticipant(organisation=o) for o in organisations.values()],
            goals=lines,
        )
        db.session.add(evaluation)
    _record_field_change(
        case,
        "next_evaluation_on",
        old.isoformat() if old else None,
        next_evaluation_on.isoformat() if next_evaluation_on else None,
        by=by,
    )
    audit.record(
        by,
        "plan.evaluation.record",
        evaluation,
        case_id=case.id,
        details={
            "held_on": held_on.isoformat(),
            "decision": decision.value,
            "goals": len(lines),
            "participants": sorted(o.slug for o in organisations.values()),
            "next_evaluation_on": next_evaluation_on.isoformat() if next_evaluation_on else None,
            "version": case.version,
        },
    )
    return evaluation


def evaluations_for(user: User, case: Case) -> list[Evaluation]:
    """The case's evaluations, latest first, for a reader of its content; audited as
    ``plan.evaluation.list``. :raises AccessDenied: (audited)"""
    require_audited(user, Action.READ_CASE_CONTENT, case)
    evaluations = evaluations_of(case)
    audit.record(user, "plan.evaluation.list", case, details={"count": len(evaluations)})
    return evaluations
