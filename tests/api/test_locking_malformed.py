"""A malformed If-Match is the client's mistake (400), not a stale copy (412)."""

from __future__ import annotations

import pytest

from tests.api.support import assert_problem, make_world


@pytest.fixture
def world():
    return make_world()


@pytest.mark.parametrize("value", ["k", "7", '"7', 'W/"7" junk'])
def test_a_malformed_if_match_is_refused_with_400_and_nothing_changes(client, world, value):
    path = f"/api/v1/cases/{world.case_id}"
    before = client.get(path, headers=world.headers("coordinator")).headers["ETag"]
    response = client.patch(
        path, headers={**world.headers("coordinator"), "If-Match": value}, json={"problem_analysis": "Nieuw."}
    )
    assert_problem(response, 400, "malformed-if-match")
    assert client.get(path, headers=world.headers("coordinator")).headers["ETag"] == before


def test_a_quoted_list_with_the_current_tag_still_matches(client, world):
    path = f"/api/v1/cases/{world.case_id}"
    etag = client.get(path, headers=world.headers("coordinator")).headers["ETag"]
    response = client.patch(
        path,
        headers={**world.headers("coordinator"), "If-Match": f'"999", {etag}'},
        json={"problem_analysis": "Nieuw."},
    )
    assert response.status_code == 200, response.get_json()
