"""Signals (meldingen): where they come from and what the weegtafel decided, per wijk and type.

Counted: the signals received in the period (``Signal.received_at``) within the reader's scope
(``report_signal_clause``), by source organisation (``Signal.source_organisation_id``), channel
(``Signal.channel``), wijk (``Signal.district_id``) and case type (``Signal.case_type_id``, hidden
restricted types as "overig"), against the decision (``Signal.decision``: case opened, advice,
referred, no action; not yet weighed while ``triaged_at`` is empty). One GROUP BY over the five
dimensions; the four tables are its sums.
"""

from __future__ import annotations

from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session

from casebook.access import ReportScope, report_signal_clause
from casebook.i18n import CHANNEL_LABELS, TRIAGE_DECISION_LABELS
from casebook.organisations.models import Organisation
from casebook.reports.filters import ReportFilters
from casebook.reports.queries import common
from casebook.reports.table import Category, CountTable

PENDING = "pending"


def decisions() -> tuple[Category, ...]:
    from casebook.signals.models import TriageDecision

    return (
        *(Category(d.value, TRIAGE_DECISION_LABELS.get(d.value, d.value)) for d in TriageDecision),
        Category(PENDING, _l("Nog niet gewogen")),
    )


def signals(session: Session, scope: ReportScope, filters: ReportFilters) -> list[CountTable]:
    from casebook.signals.models import Channel, Signal

    keys = common.case_type_category(session, scope, filters)
    start, end = common.period_bounds(filters)
    rows = (
        select(
            Signal.source_organisation_id.label("source"),
            Signal.channel.label("channel"),
            Signal.district_id.label("district_id"),
            common.type_key(Signal.case_type_id, keys).label("type_id"),
            func.coalesce(type_coerce(Signal.decision, String(32)), PENDING).label("decision"),
        )
        .where(
            Signal.received_at >= start,
            Signal.received_at < end,
            report_signal_clause(scope),
            *common.filter_clauses(
                filters,
                type_column=Signal.case_type_id,
                district_column=Signal.district_id,
                organisation_column=Signal.source_organisation_id,
            ),
        )
        .subquery("signals")
    )
    by: dict[str, Counter[tuple[str, str]]] = {name: Counter() for name in ("source", "channel", "district", "type")}
    wijken, codes = common.districts_and_codes(session, filters)
    sources: set[int] = set()
    query = common.grouped(rows, "source", "channel", "district_id", "type_id", "decision")
    for source, channel, district_id, type_id, decision, count in session.execute(query):
        decision = str(decision)
        sources.add(source)
        by["source"][(str(source), decision)] += count  # re-keyed by slug below
        by["channel"][(str(Channel(channel).value), decision)] += count
        by["district"][(codes.get(district_id, common.NO_DISTRICT), decision)] += count
        by["type"][(keys.key(type_id), decision)] += count
    organisations = {
        org_id: (slug, name)
        for org_id, slug, name in session.execute(
            select(Organisation.id, Organisation.slug, Organisation.name).where(Organisation.id.in_(sources))
        )
    }
    by["source"] = Counter(
        {(organisations[int(source)][0], decision): count for (source, decision), count in by["source"].items()}
    )
    columns = decisions()
    note = _l("Meldingen ontvangen in de periode, naar het besluit van de weegtafel.")

    def table(key: str, title, rows_, row_title, counter) -> CountTable:
        return CountTable(
            key=key,
            title=title,
            unit="signals",
            rows=rows_,
            columns=columns,
            counts=dict(counter),
            row_title=row_title,
            column_title=_l("Besluit"),
            chart="stacked",
            note=note,
        )

    return [
        table(
            "by_source",
            _l("Meldingen per bronorganisatie en besluit"),
            tuple(sorted((Category(slug, name) for slug, name in organisations.values()), key=lambda c: str(c.label))),
            _l("Bron"),
            by["source"],
        ),
        table(
            "by_channel",
            _l("Meldingen per kanaal en besluit"),
            tuple(Category(c.value, CHANNEL_LABELS.get(c.value, c.value)) for c in Channel),
            _l("Kanaal"),
            by["channel"],
        ),
        table(
            "by_district",
            _l("Meldingen per wijk en besluit"),
            wijken,
            _l("Wijk"),
            by["district"],
        ),
        table("by_type", _l("Meldingen per soort en besluit"), keys.categories, _l("Soort"), by["type"]),
    ]
