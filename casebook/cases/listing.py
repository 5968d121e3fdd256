"""What the case list shows besides the cases: the subjects' names of the visible page, and the export.

Subjects' names are case content: they are read for the cases of one page only (or of one export),
in one batched, audited read, and only for the cases on which the user may ``READ_CASE_CONTENT``;
for the others the list shows how many persons are involved ("n betrokkenen"). The read adds one
statement whatever the page size: the persons' data keys (``crypto.store`` fetches them together);
the participations and subjects come with the page's cases (``PAGE_LOADING``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases import services as cases
from casebook.cases.models import Case, CaseSubject
from casebook.cases.search import CaseSearch
from casebook.cases.sorting import CaseSort
from casebook.db import db, utcnow
from casebook.exports import CSV_MIMETYPE, XLSX_MIMETYPE, to_csv, to_xlsx

EXPORT_CAP = 10_000  # rows; an export of a longer list holds its first EXPORT_CAP rows (said in the file name)


@dataclass(frozen=True)
class Subjects:
    """A case's subjects as the list shows them: their names (content readers) or only their number."""

    count: int
    names: tuple[str, ...] | None = None  # None: the user may not read this case's content

    def __str__(self) -> str:
        if self.names is not None:
            return ", ".join(self.names)
        return ngettext("%(num)s betrokkene", "%(num)s betrokkenen", self.count)


# Loaded with the page's cases in the page's own statement (joined, so no statement is added): the
# participations the policy decides on, and the subjects with their persons (ciphertext only; a
# name is decrypted when shown, the persons' data keys then fetched together in one statement).
PAGE_LOADING = (
    joinedload(Case.participants),
    joinedload(Case.subjects).joinedload(CaseSubject.person),
)


def subjects_of(user: User, shown: Sequence[Case], *, audited: bool = True) -> dict[int, Subjects]:
    """The subjects of ``shown`` (one page, or an export, loaded with ``PAGE_LOADING``), names only
    where the user may read the case's content.

    Audited once (``case.subjects.list``) with the number of cases and persons whose names were read,
    when any were (``audited=False``: the caller's own event says so, as the export's does).
    """
    result: dict[int, Subjects] = {}
    read_cases = read_persons = 0
    for case in shown:
        rows = case.subjects
        if can(user, Action.READ_CASE_CONTENT, case):
            result[case.id] = Subjects(len(rows), tuple(str(row.person.full_name or "—") for row in rows))
            read_cases += 1
            read_persons += len(rows)
        else:
            result[case.id] = Subjects(len(rows))
    if audited and read_persons:
        audit.record(user, "case.subjects.list", details={"cases": read_cases, "persons": read_persons})
    return result


# -- export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Export:
    content: bytes
    mimetype: str
    filename: str
    rows: int
    capped: bool


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).replace(tzinfo=None)


def export(
    user: User, filters: cases.CaseFilters, sort: CaseSort, search: CaseSearch | None, fmt: str, locale: str
) -> Export:
    """The list the user sees (same scope, filters, search and sort), at most ``EXPORT_CAP`` rows,
    as CSV or XLSX, every text cell neutralised (``exports.neutralise_cell``). Subjects' names only
    for cases whose content the user may read. Audited (``case.export``) with the filters, the
    kind of search, the format and the number of rows; never a term.

    :raises SearchRefused: a name search by a user who may not read case content.
    """
    cases.check_search(user, search)
    query = cases.case_list_query(user, filters, search, utcnow()).options(*PAGE_LOADING)
    query = query.order_by(*sort.order.order_by())
    found = list(db.session.scalars(query.limit(EXPORT_CAP + 1)).unique())
    capped = len(found) > EXPORT_CAP
    found = found[:EXPORT_CAP]
    names = subjects_of(user, found, audited=False)
    header = [_("Kenmerk"), _("Type"), _("Status"), _("Wijk"), _("Regiehouder"), _("Geopend"), _("Volgende evaluatie")]
    header.append(_("Betrokkenen"))
    rows = [
        [
            case.reference,
            case.case_type.label(locale),
            case.status.label(locale),
            case.district.name if case.district else "",
            case.lead_organisation.name,
            _local(case.opened_at),
            case.next_evaluation_on,
            str(names[case.id]),
        ]
        for case in found
    ]
    audit.record(
        user,
        "case.export",
        details={
            **cases.list_details(filters, sort, search),
            "format": fmt,
            "rows": len(rows),
            "capped": capped,
            "persons": sum(len(shown.names or ()) for shown in names.values()),  # names exported
        },
    )
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    suffix = "-eerste-10000" if capped else ""
    if fmt == "xlsx":
        return Export(
            to_xlsx(header, rows, sheet=_("Casussen")),
            XLSX_MIMETYPE,
            f"casussen-{stamp}{suffix}.xlsx",
            len(rows),
            capped,
        )
    return Export(to_csv(header, rows), CSV_MIMETYPE, f"casussen-{stamp}{suffix}.csv", len(rows), capped)
