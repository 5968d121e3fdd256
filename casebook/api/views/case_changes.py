"""Changing a case through the API: its fields, its status and its participants.

Each endpoint loads the case with the screens' loader and action, then calls the screens'
service; refusals become problem documents (``casebook.api.errors``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action, Refused
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals
from casebook.api.locking import IfMatch
from casebook.api.lookup import NO_SUCH_ID, id_of
from casebook.api.problems import ApiProblem
from casebook.api.registry import Reply
from casebook.api.schemas.cases import CaseOut, Participant
from casebook.api.schemas.casework import CaseUpdate, ParticipantIn, ParticipantList, TransitionIn
from casebook.api.views.dossier import case_out
from casebook.auth.models import User
from casebook.cases import dossier_changes, editing, lifecycle
from casebook.cases import participants as participation
from casebook.cases import services as cases
from casebook.cases.models import Case
from casebook.confidentiality import Confidentiality
from casebook.organisations.models import District, Organisation

SUMMARY_FIELDS = frozenset({"problem_analysis", "help_request"})


def _summary_edit(case: Case, body: CaseUpdate, given: set[str]) -> dossier_changes.SummaryEdit:
    """The summary after the PATCH: members left out keep the case's text."""
    return dossier_changes.SummaryEdit(
        problem_analysis=body.problem_analysis if "problem_analysis" in given else case.problem_analysis,
        help_request=body.help_request if "help_request" in given else case.help_request,
    )


@api.patch("/cases/<id:case_id>", body=CaseUpdate, response=CaseOut, tags=["cases"], errors=[409])
def update_case(case_id: int, body: Callable[[], CaseUpdate], if_match: Callable[[], IfMatch]) -> CaseOut:
    """Change district, confidentiality, next evaluation date, procesregisseur, probleemanalyse or hulpvraag
    (``If-Match`` required)."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.UPDATE_CASE)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    given = body.model_fields_set
    edit = editing.CaseEdit(
        district_id=id_of(District, District.code, body.district) if "district" in given else case.district_id,
        confidentiality=(
            Confidentiality.from_code(body.confidentiality)
            if "confidentiality" in given and body.confidentiality is not None
            else case.confidentiality
        ),
        next_evaluation_on=body.next_evaluation_on if "next_evaluation_on" in given else case.next_evaluation_on,
        process_coordinator_id=(
            id_of(User, User.username, body.process_coordinator)
            if "process_coordinator" in given
            else case.process_coordinator_id
        ),
    )
    expected = precondition.check(case.version)
    summary = SUMMARY_FIELDS & given
    try:
        with refusals():
            if given - SUMMARY_FIELDS or not summary:
                editing.update_case(case, edit, by=user, expected_version=expected)
            if summary:  # after the fields' change, in the same request: at the version that left
                dossier_changes.update_summary(
                    case, _summary_edit(case, body, given), by=user, expected_version=case.version
                )
    except Refused:  # a process field without process rights: the service audited the denial
        raise ApiProblem(403, "forbidden", detail="Uw rollen staan deze handeling op deze casus niet toe.") from None
    return case_out(user, case)


@api.post(
    "/cases/<id:case_id>/transitions",
    body=TransitionIn,
    response=CaseOut,
    if_match=True,
    etag=True,
    tags=["cases"],
    errors=[409],
)
def transition_case(case_id: int, body: Callable[[], TransitionIn], if_match: Callable[[], IfMatch]) -> CaseOut:
    """Move the case to another status (``If-Match`` required). Closing goes through the screens' two steps."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.TRANSITION_CASE)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    target = next((s.id for s in case.case_type.statuses if s.code == body.to), NO_SUCH_ID)
    expected = precondition.check(case.version)
    with refusals(fields={"to_status": "to"}):
        lifecycle.transition(case, target, reason=body.reason, by=user, expected_version=expected)
    return case_out(user, case)


@api.get("/cases/<id:case_id>/participants", response=ParticipantList, tags=["participants"])
def list_participants(case_id: int) -> ParticipantList:
    """Organisations and named users taking part, current and former."""
    case = cases.load_for(api_user(), case_id)
    return ParticipantList(items=[Participant.of(p) for p in case.participants])


@api.post(
    "/cases/<id:case_id>/participants",
    body=ParticipantIn,
    response=Participant,
    status=201,
    tags=["participants"],
    errors=[409],
)
def add_participant(case_id: int, body: Callable[[], ParticipantIn]) -> Reply:
    """Add an organisation, or a named user of one (coordinators of the lead organisation)."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.MANAGE_PARTICIPANTS)
    body = body()  # type: ignore[assignment]
    organisation_id = id_of(Organisation, Organisation.slug, body.organisation)
    user_id = id_of(User, User.username, body.user)
    with refusals():
        participant = participation.add_participant(case, organisation_id, body.involvement, user_id=user_id, by=user)
    location = url_for("api.list_participants", case_id=case.id, _external=True)
    return Reply(Participant.of(participant), headers={"Location": location})


@api.delete("/cases/<id:case_id>/participants/<id:participant_id>", tags=["participants"], errors=[409])
def end_participant(case_id: int, participant_id: int) -> Reply:
    """End a participation (kept in the history). The lead organisation leaves only through a handoff."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.MANAGE_PARTICIPANTS)
    if not any(p.id == participant_id for p in case.participants):
        raise ApiProblem(404)
    with refusals():
        participation.end_participant(case, participant_id, by=user)
    return Reply(status=204)
