"""Forms of the authorisation screens: input shape only; the rules live in ``casebook.access.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casebook.access.scope import AUTHORISABLE_ACTIONS
from casebook.cases.models import CaseType
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.i18n import CONFIDENTIALITY_LABELS, ROLE_LABELS
from casebook.organisations.models import Organisation

ACTION_LABELS = {
    "case.view": _l("casus inzien"),
    "note.list": _l("journaal lezen"),
    "case.update": _l("casus wijzigen"),
    "note.add": _l("journaal schrijven"),
    "intervention.add": _l("interventie vastleggen"),
    "plan.edit": _l("plan van aanpak wijzigen"),
    "case.transition": _l("status wijzigen"),
    "case.close.propose": _l("afsluiten voorstellen"),
    "case.reopen": _l("heropenen"),
    "case.participants": _l("partners beheren"),
    "handoff.send": _l("overdragen"),
    "case.close.approve": _l("afsluiten goedkeuren"),
    "case.create": _l("casus openen"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class GrantForm(FlaskForm):
    username = StringField(_l("Gebruiker (gebruikersnaam)"), validators=[Optional(), Length(max=80)])
    organisation = SelectField(_l("Organisatie"), default="")
    role = SelectField(_l("Rol"), default="")
    case_type = SelectField(_l("Casustype"), validators=[DataRequired()])
    actions = MultiCheckboxField(_l("Handelingen"), default=["case.view"])
    max_confidentiality = SelectField(_l("Maximale vertrouwelijkheid"), validators=[DataRequired()])

    def fill_choices(self, locale: str) -> GrantForm:
        organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
        self.organisation.choices = [("", _l("Alle organisaties (alleen met een rol)"))] + [
            (o.slug, o.name) for o in organisations
        ]
        self.role.choices = [("", _l("Geen (een gebruiker)"))] + [
            (code, label) for code, label in ROLE_LABELS.items() if code != "admin"
        ]
        types = db.session.scalars(select(CaseType).order_by(CaseType.label_nl)).all()
        self.case_type.choices = [(t.code, t.label(locale)) for t in types]
        self.actions.choices = [(a, ACTION_LABELS[a]) for a in sorted(AUTHORISABLE_ACTIONS)]
        self.max_confidentiality.choices = [(c.code, CONFIDENTIALITY_LABELS[int(c)]) for c in Confidentiality]
        return self
