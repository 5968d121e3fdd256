"""Optimistic-locking helpers: ETag from ``version``; ``If-Match`` required (428) and current (412)."""

from __future__ import annotations

import pytest

from casebook.api.locking import etag_for, if_match_from_request
from casebook.api.problems import ApiProblem
from casebook.api.registry import Operation


def _if_match(app, header: str | None):
    headers = {"If-Match": header} if header is not None else {}
    with app.test_request_context("/api/v1/cases/1", method="PATCH", headers=headers):
        return if_match_from_request()


def test_etag_is_the_quoted_version():
    assert etag_for(7) == '"7"'


@pytest.mark.parametrize("header", [None, "", "   "])
def test_a_change_without_if_match_is_428(app, header):
    with pytest.raises(ApiProblem) as caught:
        _if_match(app, header)
    assert caught.value.code == 428 and caught.value.type.endswith("precondition-required")


@pytest.mark.parametrize("header", ['"7"', '"6", "7"', "*"])
def test_a_matching_if_match_passes(app, header):
    assert _if_match(app, header).check(7) == 7


@pytest.mark.parametrize("header", ['"6"', 'W/"7"', '"07"'])
def test_a_stale_or_weak_if_match_is_412_with_the_current_etag(app, header):
    precondition = _if_match(app, header)
    with pytest.raises(ApiProblem) as caught:
        precondition.check(7)
    assert caught.value.code == 412 and caught.value.extra_headers == {"ETag": '"7"'}


def test_patch_operations_document_if_match_412_and_428():
    op = Operation(
        method="PATCH",
        rule="/cases/<id:case_id>",
        endpoint="update_case",
        summary="",
        description="",
        tags=(),
        query=None,
        body=None,
        response=None,
        status=200,
        if_match=True,
        etag=True,
        errors=frozenset(),
    )
    assert {403, 404, 412, 428} <= set(op.error_statuses())
