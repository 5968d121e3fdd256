"""The notifications page costs a fixed number of statements, whatever the page holds (and the bell,
on every page, one COUNT: it is inside the budgets of tests/scale/test_statement_budget.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.handoffs import services as handoffs
from casebook.meetings.services import add_to_agenda
from casebook.notifications import services as notices
from tests.factories import login_as, make_action, make_case, make_meeting, make_org, make_user
from tests.scale.test_statement_budget import PARTS, get, within_budget

NOTIFICATIONS_PAGE_BUDGET = 25


def _grow(zvh, west, coordinator, worker, make_input, today, start: int, stop: int) -> None:
    for n in range(start, stop):
        case = make_case(lead=zvh)
        action = make_action(case, coordinator, due_on=today, owner_user=worker)
        hidden = make_case(lead=make_org())
        meeting = make_meeting(coordinator, held_on=today + timedelta(days=3), organisations=[zvh])
        item = add_to_agenda(meeting, by=coordinator, reference=case.reference)
        transfer = handoffs.send(case, make_input(west), by=coordinator)
        notices.create(
            [
                notices.Notice(worker.id, "action", "due", f"a{n}", case.id, "plan_action", action.id),
                notices.Notice(worker.id, "evaluation", "due", f"e{n}", hidden.id, "case", hidden.id),
                notices.Notice(worker.id, "agenda", "added", f"g{n}", case.id, "meeting_agenda_item", item.id),
                notices.Notice(worker.id, "handoff_outcome", "accepted", f"h{n}", case.id, "handoff", transfer.id),
            ]
        )


@pytest.mark.parametrize("part", PARTS)
def test_the_notifications_page_has_a_fixed_budget(client, zvh, west, zvh_coord, make_input, today, part):
    worker = make_user(org=zvh, roles=["coordinator"])
    _grow(zvh, west, zvh_coord, worker, make_input, today, 0, 1)
    login_as(client, worker)
    small, _ = get(client, "/notifications")
    _grow(zvh, west, zvh_coord, worker, make_input, today, 1, 7)
    large, response = get(client, "/notifications")
    assert response.get_data(as_text=True).count('class="cb-notification') == 25
    within_budget(small, large, NOTIFICATIONS_PAGE_BUDGET, "Notifications", part)
