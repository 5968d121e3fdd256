"""Handoff forms: input shape only; the rules live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.handoffs import items as shared_items
from casebook.handoffs.plan_link import plan_action_link
from casebook.handoffs.rules import legal_bases, receivers_allowed_for

TEXT_LIMIT = 10_000


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class HandoffForm(FlaskForm):
    kind = RadioField(
        _l("Soort"),
        choices=[("transfer", _l("Overdracht van regie")), ("referral", _l("Inschakelen (verwijzing)"))],
        validators=[InputRequired(message=_l("Kies een soort."))],
    )
    receiver = SelectField(
        _l("Ontvangende organisatie"), validators=[DataRequired(message=_l("Kies een organisatie."))]
    )
    receiver_involvement = SelectField(
        _l("Rol van de ontvanger (bij inschakelen)"),
        choices=[("contributor", _l("betrokken partner")), ("observer", _l("meelezer"))],
        default="contributor",
    )
    sender_after = SelectField(
        _l("Uw organisatie na de overdracht"),
        choices=[("observer", _l("blijft meelezen voor nazorg")), ("leave", _l("verlaat de casus"))],
        default="observer",
    )
    summary = TextAreaField(
        _l("Samenvatting voor de ontvanger"),
        validators=[
            DataRequired(message=_l("Schrijf een samenvatting voor de ontvanger.")),
            Length(max=TEXT_LIMIT),
        ],
    )
    items = CheckboxListField(_l("Wat deelt u nog meer?"), coerce=str, validators=[Optional()])
    legal_basis = SelectField(_l("Grondslag"), validators=[DataRequired(message=_l("Kies een grondslag."))])
    person_informed = RadioField(
        _l("Is de betrokkene geïnformeerd?"),
        choices=[("yes", _l("Ja")), ("no", _l("Nee"))],
        validators=[InputRequired(message=_l("Geef aan of de betrokkene is geïnformeerd."))],
    )
    plan_action = SelectField(_l("Actie uit het plan (optioneel)"), default="", validators=[Optional()])

    def fill_choices(self, user: User, case: Case, locale: str) -> HandoffForm:
        self.receiver.choices = [("", _l("Kies…"))] + [(str(o.id), o.name) for o in receivers_allowed_for(case)]
        self.legal_basis.choices = [("", _l("Kies…"))] + [(b.code, b.label(locale)) for b in legal_bases()]
        choices = []
        for kind in shared_items.item_kinds():
            for choice in kind.candidates(user, case):
                choices.append((f"{kind.kind}:{choice.item_id}", f"{kind.label}: {choice.label}"))
        self.items.choices = choices
        link = plan_action_link()
        actions = link.choices(user, case) if link else []
        self.plan_action.choices = [("", _l("Geen"))] + [(str(i), label) for i, label in actions]
        return self


class DecisionForm(FlaskForm):
    process_coordinator = SelectField(_l("Nieuwe procesregisseur"), default="")
    case_manager = SelectField(_l("Nieuwe casusregisseur"), default="")
    sender_actions = RadioField(
        _l("Open acties van de overdragende organisatie"),
        choices=[
            ("reassign", _l("Overnemen: ze komen bij onze organisatie")),
            ("withdraw", _l("Laten vervallen, met de overdracht als reden")),
        ],
        default="reassign",
    )

    def fill_choices(self, coordinators: list[User], case_managers: list[User] | None = None) -> DecisionForm:
        self.process_coordinator.choices = [("", _l("Kies…"))] + [(str(u.id), u.display_name) for u in coordinators]
        self.case_manager.choices = [("", _l("Nog niemand (de casus meldt dat hij ontbreekt)"))] + [
            (str(u.id), u.display_name) for u in case_managers or []
        ]
        return self


class ReasonForm(FlaskForm):
    reason = TextAreaField(
        _l("Reden"),
        validators=[DataRequired(message=_l("Geef een reden.")), Length(max=TEXT_LIMIT)],
    )


class TransferRequestForm(FlaskForm):
    reference = StringField(
        _l("Kenmerk van de casus"),
        validators=[DataRequired(message=_l("Vul het kenmerk in.")), Length(max=20)],
        description=_l("bijvoorbeeld PGA-2026-00042"),
    )
    motivation = TextAreaField(
        _l("Toelichting voor de regiehouder"),
        validators=[DataRequired(message=_l("Licht uw verzoek toe.")), Length(max=TEXT_LIMIT)],
    )


class EmptyForm(FlaskForm):
    """For buttons that only post (cancel, send, complete): a CSRF token and nothing else."""
