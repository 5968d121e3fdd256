"""Forms of the supervision screens: the audit log's filter bar (a GET form, nothing changes, so no
CSRF token) and the break-the-glass reason and review forms. Input shape only."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from casebook.access.break_glass import MIN_REASON_LENGTH
from casebook.audit.models import Outcome
from casebook.db import db
from casebook.organisations.models import Organisation
from casebook.supervision.queries import AuditFilters

OUTCOME_LABELS = {"allowed": _l("toegestaan"), "denied": _l("geweigerd"), "error": _l("fout")}


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    user = StringField(_l("Gebruikersnaam"), validators=[Optional(), Length(max=80)])
    organisation = SelectField(_l("Organisatie"), default="")
    case = StringField(_l("Casuskenmerk"), validators=[Optional(), Length(max=20)])
    action = StringField(_l("Handeling"), validators=[Optional(), Length(max=64)])
    outcome = SelectField(_l("Resultaat"), default="")
    date_from = DateField(_l("Vanaf"), validators=[Optional()])
    date_to = DateField(_l("Tot en met"), validators=[Optional()])

    def fill_choices(self) -> AuditFilterForm:
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        self.organisation.choices = [("", _l("Alle"))] + [(o.slug, o.name) for o in organisations]
        self.outcome.choices = [("", _l("Alle"))] + [(o.value, OUTCOME_LABELS[o.value]) for o in Outcome]
        return self

    def filters(self) -> AuditFilters:
        """The valid fields as filters; an invalid field is ignored, never an error page."""
        self.validate()

        def ok(name: str):
            field = self[name]
            if field.errors or not field.data:
                return None
            if isinstance(field, SelectField) and field.data not in dict(field.choices):
                return None
            return field.data.strip() if isinstance(field.data, str) else field.data

        return AuditFilters(
            username=ok("user"),
            organisation=ok("organisation"),
            case_reference=ok("case"),
            action=ok("action"),
            outcome=ok("outcome"),
            date_from=ok("date_from"),
            date_to=ok("date_to"),
        )


class BreakGlassForm(FlaskForm):
    reference = HiddenField(validators=[DataRequired(), Length(max=20)])
    reason = TextAreaField(
        _l("Reden"),
        validators=[
            DataRequired(),
            Length(min=MIN_REASON_LENGTH, max=1000, message=_l("Geef een reden van minstens 20 tekens.")),
        ],
    )


class ReviewForm(FlaskForm):
    verdict = SelectField(_l("Oordeel"), validators=[DataRequired()])
    note = TextAreaField(_l("Toelichting"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.verdict.choices = [("justified", _l("gerechtvaardigd")), ("unjustified", _l("niet gerechtvaardigd"))]
