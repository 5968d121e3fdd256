"""The load test's people and work: extra cases, 50 accounts, and what each account will do.

Run as a process of its own against the throwaway database, with the ``CASEBOOK_*`` settings in
its environment: ``python -m bench.load.seed cases N`` *before* ``casebook seed-demo`` lays the
demo's reference data, accounts and authorisations, then opens ``N`` cases through the demo's own
case builder (``seed_cases``, which the demo then skips since cases exist) and the accounts; the
demo's remaining steps (case work, dossiers, handoffs, documents) follow from ``casebook
seed-demo``; then ``python -m bench.load.seed plan PATH`` writes the plan. The 50 accounts are
made with ``create_user`` across organisations and roles and, like the demo accounts, are exempt
from the second factor outside production only (``REQUIRE_MFA`` stays on).

The plan (JSON, mode 0600: it holds the password) says per account which cases it may write notes
and interventions in (asked of the policy, ``can``), which referrals it may send (case, receiver:
each pair used by one account only, so two users never race for the same handoff) and which BSNs
and names it searches for. Legitimate users then only do what they are allowed to: every 4xx in
the run is a finding, not noise.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

# (organisation, role, how many): 50 accounts; supervisors search the audit trail.
ACCOUNTS: tuple[tuple[str, str, int], ...] = (
    ("zvh", "coordinator", 8),
    ("zvh", "caseworker", 10),
    ("zvh", "supervisor", 2),
    ("wijkteam-west", "coordinator", 4),
    ("wijkteam-west", "caseworker", 6),
    ("wijkteam-noord", "coordinator", 3),
    ("wijkteam-noord", "caseworker", 5),
    ("politie", "coordinator", 2),
    ("politie", "caseworker", 3),
    ("veilig-thuis", "coordinator", 1),
    ("veilig-thuis", "caseworker", 2),
    ("jongerenwerk", "coordinator", 1),
    ("jongerenwerk", "caseworker", 1),
    ("gemeente", "supervisor", 2),
)
CASES_PER_USER_IN_PLAN = 40


def _accounts() -> list[tuple[str, str, str]]:
    """Interleaved, coordinators of different organisations first: a short run with a few users
    still has referrals going both ways (the users take the accounts in this order)."""
    made = [
        (number, role != "coordinator", position, f"load.{org}.{role}.{number:02d}", org, role)
        for position, (org, role, count) in enumerate(ACCOUNTS)
        for number in range(1, count + 1)
    ]
    return [(name, org, role) for *_key, name, org, role in sorted(made)]


def seed_cases(cases: int) -> None:
    """Before ``casebook seed-demo``: the demo's reference data, accounts and authorisations, then
    ``cases`` cases through the demo's own builder, and the 50 accounts."""
    from sqlalchemy import select

    from casebook import create_app, migrate
    from casebook.auth.models import Role
    from casebook.auth.services import create_user
    from casebook.db import db
    from casebook.demo import seed as demo
    from casebook.organisations.models import Organisation

    app = create_app()
    with app.app_context():
        migrate.upgrade(app)
        password = app.config["DEMO_PASSWORD"]
        demo.seed_reference_data()
        demo.seed_accounts(password)
        demo.seed_authorisations()
        demo.seed_cases(count=cases)
        orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
        for username, slug, role in _accounts():
            user = create_user(username, username, orgs[slug], [Role(role)], password)
            user.mfa_exempt_demo = True  # as the demo accounts: outside production only (REQUIRE_MFA stays on)
        db.session.commit()


def plan(plan_path: str) -> dict[str, Any]:
    """After ``casebook seed-demo`` (which changes some cases): what each account will do."""
    from sqlalchemy import select

    from casebook import create_app
    from casebook.access import Action, can
    from casebook.auth.models import Role, User
    from casebook.cases.models import Case
    from casebook.db import db
    from casebook.demo import data
    from casebook.handoffs.rules import legal_bases, receivers_allowed_for
    from casebook.interventions.models import InterventionKind
    from casebook.interventions.services import participating_organisations
    from casebook.organisations.models import Organisation

    app = create_app()
    with app.app_context():
        password = app.config["DEMO_PASSWORD"]
        orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
        by_name = {u.username: u for u in db.session.scalars(select(User).where(User.username.startswith("load.")))}
        users = [by_name[name] for name, _org, _role in _accounts()]

        all_cases = list(db.session.scalars(select(Case).order_by(Case.id)))
        accepting = {slug for slug, role, _n in ACCOUNTS if role == "coordinator"}
        accepting_ids = {orgs[slug].id for slug in accepting}
        pairs_of: dict[int, list[list[int]]] = {user.id: [] for user in users}
        for case in all_cases:  # each case's referrals go to one of the coordinators who may send them
            if case.closed_at is not None:
                continue
            senders = [u for u in users if u.has_role(Role.COORDINATOR) and can(u, Action.SEND_HANDOFF, case)]
            if not senders:
                continue
            sender = senders[case.id % len(senders)]
            taking_part = {p.organisation_id for p in case.active_participants}
            pairs_of[sender.id].extend(
                [case.id, o.id]
                for o in receivers_allowed_for(case)
                if o.id in accepting_ids and o.id not in taking_part and o.id != sender.organisation_id
            )
        basis = legal_bases()[0].code
        kinds = list(
            db.session.scalars(select(InterventionKind.id).where(InterventionKind.active).order_by(InterventionKind.id))
        )
        plan_users = []
        for user in users:
            role = str(sorted(user.roles)[0])
            entry: dict[str, Any] = {"username": user.username, "role": role, "organisation": user.organisation.slug}
            notes, interventions, bsns, names = [], [], [], set()
            pairs = pairs_of[user.id]
            for case in all_cases:
                if case.closed_at is not None or not can(user, Action.VIEW_CASE, case):
                    continue
                if can(user, Action.ADD_NOTE, case) and len(notes) < CASES_PER_USER_IN_PLAN:
                    notes.append(case.id)
                if can(user, Action.ADD_INTERVENTION, case) and len(interventions) < CASES_PER_USER_IN_PLAN:
                    by = [o.id for o in participating_organisations(case)]
                    if by:
                        interventions.append([case.id, user.organisation_id if user.organisation_id in by else by[0]])
                if len(bsns) < 10 and can(user, Action.PROCESS_BSN):
                    for subject in case.subjects:
                        if subject.person.bsn:
                            bsns.append(subject.person.bsn)
                            names.add(subject.person.family_name)
            entry.update(
                note_cases=notes,
                intervention_cases=interventions,
                handoffs=pairs,
                bsns=bsns,
                names=sorted(names) or list(data.FAMILY_NAMES[:5]),
            )
            plan_users.append(entry)
        db.session.rollback()
    plan = {
        "password": password,
        "legal_basis": basis,
        "intervention_kinds": kinds,
        "cases": len(all_cases),
        "users": plan_users,
    }
    with os.fdopen(os.open(plan_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        json.dump(plan, f, indent=1)
    return plan


if __name__ == "__main__":
    if sys.argv[1] == "cases":
        seed_cases(int(sys.argv[2]))
        print(f"load seed: {sys.argv[2]} cases and {len(_accounts())} accounts")
        sys.exit(0)
    made = plan(sys.argv[2])
    users = made["users"]
    print(
        f"load plan: {len(users)} accounts, {made['cases']} cases, "
        f"{sum(len(u['handoffs']) for u in users)} referral pairs, "
        f"{sum(1 for u in users if u['note_cases'])} accounts that write notes"
    )
