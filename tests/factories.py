"""Small factories with keyword overrides: ``make_case(lead=west, type="youth", confidentiality=...)``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import select

from casebook.auth.models import Role, User, UserRole
from casebook.auth.passwords import hash_password
from casebook.cases.models import Case, CaseParticipant, CaseType, Involvement, StatusType, SubjectRole
from casebook.cases.services import NewCase, open_case
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.demo.data import PGA_STATUSES
from casebook.organisations.models import District, Organisation, OrganisationKind
from casebook.people.models import Person

_counter = itertools.count(1)
TEST_PASSWORD = "correct horse battery staple"


def make_org(slug: str | None = None, kind: OrganisationKind = OrganisationKind.ZVH, **values) -> Organisation:
    slug = slug or f"org-{next(_counter)}"
    existing = db.session.scalar(select(Organisation).where(Organisation.slug == slug))
    if existing:
        return existing
    org = Organisation(slug=slug, name=values.pop("name", slug.title()), kind=kind, **values)
    db.session.add(org)
    db.session.flush()
    return org


def make_district(code: str | None = None) -> District:
    code = code or f"wijk-{next(_counter)}"
    existing = db.session.scalar(select(District).where(District.code == code))
    if existing:
        return existing
    district = District(code=code, name=code.title())
    db.session.add(district)
    db.session.flush()
    return district


def make_user(
    username: str | None = None,
    org: Organisation | None = None,
    roles: Iterable[Role | str] = (Role.CASEWORKER,),
    password: str = TEST_PASSWORD,
    active: bool = True,
) -> User:
    user = User(
        username=username or f"user{next(_counter)}",
        display_name="Test User",
        organisation=org or make_org(),
        password_hash=hash_password(password),
        active=active,
        role_rows=[UserRole(role=Role(r)) for r in roles],
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_case_type(
    code: str = "youth",
    restricted: bool = False,
    confidentiality: Confidentiality = Confidentiality.ZAAKVERTROUWELIJK,
    authorise: bool | None = None,
) -> CaseType:
    """A case type; unless restricted (or ``authorise=False``) every case role is authorised for it
    up to ``vertrouwelijk`` (see ``authorise_roles``), so tests about other rules need no set-up.
    """
    existing = db.session.scalar(select(CaseType).where(CaseType.code == code))
    if existing:
        return existing
    case_type = CaseType(
        code=code,
        label_nl=f"{code} (nl)",
        label_en=f"{code} (en)",
        restricted=restricted,
        default_confidentiality=confidentiality,
        retention_period="P5Y",
        statuses=[
            StatusType(code=c, label_nl=nl, label_en=en, position=i, is_end=i == len(PGA_STATUSES))
            for i, (c, nl, en) in enumerate(PGA_STATUSES, start=1)
        ],
    )
    db.session.add(case_type)
    db.session.flush()
    if (not restricted) if authorise is None else authorise:
        authorise_roles(case_type)
    return case_type


def make_person(family_name: str = "Jansen", **values) -> Person:
    person = Person(
        family_name=family_name,
        given_names=values.pop("given_names", "Daan"),
        birth_date=values.pop("birth_date", date(2008, 5, 17)),
        **values,
    )
    db.session.add(person)
    db.session.flush()
    return person


def make_case(
    lead: Organisation | None = None,
    type: str = "youth",
    confidentiality: Confidentiality | None = None,
    district: District | None = None,
    participants: Iterable[tuple[Organisation, Involvement]] = (),
    subjects: Iterable[Person] = (),
) -> Case:
    case = open_case(
        NewCase(
            case_type=make_case_type(type),
            lead_organisation=lead or make_org(),
            district=district,
            confidentiality=confidentiality,
            subjects=tuple((p, SubjectRole.SUBJECT) for p in subjects),
        ),
        by=None,
    )
    for org, involvement in participants:
        case.participants.append(CaseParticipant(organisation=org, involvement=involvement))
    db.session.flush()
    return case


def login_as(client: FlaskClient, user: User) -> FlaskClient:
    """Log ``user`` in through the real login form (CSRF is off in tests)."""
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


# --- account security (tests/auth, tests/admin, tests/security) ---------------------------------


def enrol_mfa(user: User) -> str:
    """Give ``user`` a confirmed TOTP second factor; returns the base32 seed for ``totp_code``."""
    import pyotp

    from casebook.auth import mfa
    from casebook.db import utcnow

    secret = pyotp.random_base32(length=32)
    user.totp_secret_sealed = mfa.seal(user, secret)
    user.mfa_enrolled_at = utcnow()
    db.session.flush()
    return secret


def totp_code(secret: str, at=None) -> str:
    """The TOTP code of ``secret`` at ``at`` (a datetime; default: casebook.auth.clock.now())."""
    import pyotp

    from casebook.auth import clock

    moment = at or clock.now()
    return pyotp.TOTP(secret).at(moment)


def login_with_mfa(client: FlaskClient, user: User, secret: str, at=None) -> FlaskClient:
    """Log in through both steps: the password form, then the TOTP form."""
    response = client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/login/mfa", response.status_code
    response = client.post("/login/mfa", data={"code": totp_code(secret, at)})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def session_token(client: FlaskClient) -> str | None:
    """The server-side session id the client's cookie carries (None when logged out)."""
    with client.session_transaction() as flask_session:
        return flask_session.get("sid")


def make_api_token(user: User | None = None, *, read_only: bool = False, lifetime=None, now=None, name: str = "test"):
    """An API token for ``user`` (a new caseworker by default); ``.plaintext`` is the bearer value."""
    from datetime import timedelta

    from casebook.api.tokens import create_token

    return create_token(
        user or make_user(),
        name=name,
        lifetime=lifetime or timedelta(days=30),
        read_only=read_only,
        by=None,
        now=now,
    )


def bearer(issued) -> dict[str, str]:
    """The Authorization header of an issued API token.

    Commits the test's data first (a savepoint in tests), so a request that fails and rolls back
    does not take the test's own set-up with it.
    """
    db.session.commit()
    return {"Authorization": f"Bearer {issued.plaintext}"}


def authorise_roles(
    case_type: CaseType,
    roles: Iterable[Role | str] = (Role.CASEWORKER, Role.COORDINATOR, Role.SUPERVISOR),
    max_confidentiality: Confidentiality = Confidentiality.VERTROUWELIJK,
    organisation: Organisation | None = None,
    actions: Iterable[str] | None = None,
) -> list:
    """Role-wide (or per organisation) authorisations for ``case_type``; written directly, not audited."""
    from casebook.access.models import Authorisation
    from casebook.access.scope import AUTHORISABLE_ACTIONS

    grants = [
        Authorisation(
            role=Role(role),
            organisation=organisation,
            case_type=case_type,
            actions=sorted(str(a) for a in (actions if actions is not None else AUTHORISABLE_ACTIONS)),
            max_confidentiality=max_confidentiality,
        )
        for role in roles
    ]
    db.session.add_all(grants)
    db.session.flush()
    return grants


def authorise_user(
    user: User,
    case_type: CaseType,
    max_confidentiality: Confidentiality = Confidentiality.VERTROUWELIJK,
    actions: Iterable[str] | None = None,
):
    """A personal authorisation for ``user``; written directly, not audited."""
    from casebook.access.models import Authorisation
    from casebook.access.scope import AUTHORISABLE_ACTIONS

    grant = Authorisation(
        user=user,
        case_type=case_type,
        actions=sorted(str(a) for a in (actions if actions is not None else AUTHORISABLE_ACTIONS)),
        max_confidentiality=max_confidentiality,
    )
    db.session.add(grant)
    db.session.flush()
    return grant


# -- case work (lifecycle, signals) ------------------------------------------------------------


def make_results(case_type) -> list:
    """The demo closing results for ``case_type`` (idempotent)."""
    from casebook.cases.models import CaseResult
    from casebook.demo.data import CASE_RESULTS

    existing = list(db.session.scalars(select(CaseResult).where(CaseResult.case_type_id == case_type.id)))
    if existing:
        return existing
    rows = [
        CaseResult(case_type=case_type, code=code, label_nl=nl, label_en=en, position=i)
        for i, (code, nl, en) in enumerate(CASE_RESULTS, start=1)
    ]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def status_of(case: Case, code: str) -> StatusType:
    return next(s for s in case.case_type.statuses if s.code == code)


def make_signal(by: User, source: Organisation | None = None, persons: Iterable[Person] = (), **values):
    from casebook.signals.models import Channel, Signal, SignalPerson

    signal = Signal(
        source_organisation=source or by.organisation,
        channel=values.pop("channel", Channel.POLICE),
        case_type=make_case_type(values.pop("type", "youth")),
        subject_informed=values.pop("subject_informed", True),
        registered_by=by,
        **values,
    )
    signal.description = "Signaal over een jongere (test)"
    for person in persons:
        signal.persons.append(SignalPerson(person=person, role=SubjectRole.SUBJECT, linked_by_id=by.id))
    db.session.add(signal)
    db.session.flush()
    return signal


# -- case work content (journal, plan, interventions, casusoverleg) ------------------------------


def make_note(case: Case, author: User, body: str = "Gesprek gevoerd.", visibility: str = "shared"):
    from casebook.journal.services import add_note

    return add_note(case, by=author, body=body, visibility=visibility)


def make_goal(case: Case, by: User, domain: str = "housing", text: str = "Stabiele woonsituatie"):
    from casebook.plans.services import add_goal

    return add_goal(case, by=by, domain=domain, text=text)


def make_action(case: Case, by: User, due_on: date, goal=None, owner: Organisation | None = None, **values):
    """An action agreed ``today=due_on`` so a due date in the past can be made for overdue tests."""
    from casebook.plans.services import add_action

    return add_action(
        case,
        by=by,
        goal=goal,
        description=values.pop("description", "Huisbezoek afleggen"),
        owner_organisation=owner or by.organisation,
        due_on=due_on,
        today=values.pop("today", due_on),
        **values,
    )


def make_meeting(by: User, held_on: date, organisations: Iterable[Organisation] = (), title: str = "Casusoverleg PGA"):
    from casebook.meetings.services import schedule_meeting

    return schedule_meeting(by=by, title=title, held_on=held_on, organisations=organisations, today=held_on)
