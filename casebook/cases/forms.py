"""Case forms: input shape only; rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField

from casebook.cases.models import CaseType, StatusType
from casebook.db import db
from casebook.organisations.models import District


class CaseFilterForm(FlaskForm):
    """The filter bar of the case list (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    type = SelectField(_l("Type"), default="")
    status = SelectField(_l("Status"), default="")
    district = SelectField(_l("Wijk"), default="")

    def fill_choices(self, locale: str) -> CaseFilterForm:
        everything = [("", _l("Alle"))]
        types = db.session.scalars(select(CaseType).where(CaseType.active).order_by(CaseType.label_nl)).all()
        self.type.choices = everything + [(t.code, t.label(locale)) for t in types]
        statuses: dict[str, str] = {}
        for status in db.session.scalars(select(StatusType).order_by(StatusType.position)).all():
            statuses.setdefault(status.code, status.label(locale))
        self.status.choices = everything + list(statuses.items())
        districts = db.session.scalars(select(District).order_by(District.name)).all()
        self.district.choices = everything + [(d.code, d.name) for d in districts]
        return self
