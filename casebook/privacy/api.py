"""The register and the processing log through the API (the privacy officer's, like the screens).

``GET /api/v1/privacy/register`` and ``…/register/{code}`` (with its versions), and
``POST /api/v1/privacy/processing-log/search`` with a BSN in the body (never in a URL): the lines
about that data subject, audited and logged like the screen's. Everyone else gets 404.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.problems import ApiProblem
from casebook.api.schemas.common import ApiModel, InputModel
from casebook.privacy import services
from casebook.privacy.register import ProcessingActivity


class ActivityOut(ApiModel):
    id: str = Field(description="The activity's code, as processing-log lines name it.")
    version: int
    name: str
    controller: str
    purpose: str
    legal_basis: str
    categories_of_persons: str
    categories_of_data: str
    recipients: str
    retention: str
    log_retention_days: int
    security_measures: str
    valid_from: datetime
    valid_to: datetime | None

    @classmethod
    def of(cls, activity: ProcessingActivity) -> ActivityOut:
        return cls(**{name: getattr(activity, name) for name in cls.model_fields})


class ActivityList(ApiModel):
    items: list[ActivityOut]


class ActivityVersions(ApiModel):
    current: ActivityOut
    versions: list[ActivityOut] = Field(description="Every version, newest first.")


class SubjectLogSearch(InputModel):
    bsn: str = Field(min_length=1, max_length=20, description="The data subject's BSN (elfproef).")


class LogLineOut(ApiModel):
    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    status: str
    start_time: datetime
    end_time: datetime
    processing_activity_id: str
    data_subject_id: str = Field(description="Keyed pseudonym of the BSN; never the BSN.")
    data_subject_type: str
    foreign_operation: str | None
    foreign_span_id: str | None


class LogLineList(ApiModel):
    items: list[LogLineOut]


@api.get("/privacy/register", response=ActivityList, tags=["privacy"], errors=[404])
def list_register() -> ActivityList:
    """The register of processing activities (AVG art. 30) as it stands; the privacy officer's."""
    return ActivityList(items=[ActivityOut.of(a) for a in services.register(api_user())])


@api.get("/privacy/register/<code>", response=ActivityVersions, tags=["privacy"])
def get_activity(code: str) -> ActivityVersions:
    """One activity of the register with all its versions."""
    versions = services.activity_versions(api_user(), code)
    return ActivityVersions(current=ActivityOut.of(versions[0]), versions=[ActivityOut.of(v) for v in versions])


@api.post("/privacy/processing-log/search", body=SubjectLogSearch, response=LogLineList, tags=["privacy"], errors=[404])
def search_processing_log(body: SubjectLogSearch) -> LogLineList:
    """The processing-log lines about the person with this BSN (inzage); audited, and itself logged."""
    try:
        entries = services.subject_log(api_user(), body.bsn)
    except services.InvalidBsn as refused:
        raise ApiProblem(
            422,
            "validation-error",
            errors=[{"location": "body", "field": "bsn", "message": str(refused), "code": "bsn"}],
        ) from None
    return LogLineList(
        items=[LogLineOut(**dict(zip(services.LOG_HEADER, row, strict=True))) for row in services.log_rows(entries)]
    )
