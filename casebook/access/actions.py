"""Every action the policy decides, with the label people see for it.

An action is named for its object and verb (``case.view``, ``handoff.decide``). Each member must
have a rule in ``casebook.access.rules`` (a test fails otherwise, and ``can()`` refuses an action
without one). The sections below follow the object types; a module that adds an object type adds
its section here and its rules file under ``rules/``.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class Action(enum.StrEnum):
    """A member is ``NAME = "object.verb", _l("Label")``: the label lives with the action."""

    def __new__(cls, value: str, label: object = None) -> Action:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label
        return member

    # --- cases: reads -------------------------------------------------------------------------
    LIST_CASES = "case.list", _l("Casussen zien in lijsten")
    VIEW_CASE = "case.view", _l("Casus inzien")
    READ_NOTES = "note.list", _l("Journaal lezen")
    # the content of a case (plan texts, outcomes, decisions, subject names, summaries) beyond the
    # metadata that seeing the case gives: workers on the case and break-the-glass readers, never
    # supervisors (they see metadata and the trail)
    READ_CASE_CONTENT = "case.content.read", _l("Casusinhoud lezen")
    # --- cases: changes of content --------------------------------------------------------------
    UPDATE_CASE = "case.update", _l("Casusgegevens wijzigen")
    ADD_NOTE = "note.add", _l("Journaalnotitie toevoegen")
    ADD_INTERVENTION = "intervention.add", _l("Interventie vastleggen")
    EDIT_PLAN = "plan.edit", _l("Plan van aanpak bewerken")
    # --- cases: process (procesregie), coordinators of the lead organisation ----------------------
    TRANSITION_CASE = "case.transition", _l("Status wijzigen")
    PROPOSE_CLOSURE = "case.close.propose", _l("Afsluiten voorstellen")
    REOPEN_CASE = "case.reopen", _l("Casus heropenen")
    MANAGE_PARTICIPANTS = "case.participants", _l("Deelnemers beheren")
    SEND_HANDOFF = "handoff.send", _l("Overdracht versturen")
    # a caseworker or coordinator of the lead drafts; a coordinator sends
    DRAFT_HANDOFF = "handoff.draft", _l("Overdracht voorbereiden")
    # --- cases: supervision ---------------------------------------------------------------------
    APPROVE_CLOSURE = "case.close.approve", _l("Afsluiting goedkeuren")
    VIEW_AUDIT = "audit.view", _l("Audittrail inzien")
    REVIEW_BREAK_GLASS = "break_glass.review", _l("Doorbraak-toegang beoordelen")
    # --- cases: break-the-glass, read-only access to an out-of-scope case with a stated reason -----
    BREAK_GLASS = "case.break_glass", _l("Doorbraak-toegang nemen")
    # --- actions without an object --------------------------------------------------------------
    OPEN_CASE = "case.create", _l("Casus openen")
    MANAGE_USERS = "user.manage", _l("Gebruikers beheren")
    MANAGE_REFERENCE_DATA = "reference.manage", _l("Referentiegegevens beheren")
    MANAGE_AUTHORISATIONS = "authorisation.manage", _l("Autorisaties beheren")
    # --- handoffs and transfer requests ---------------------------------------------------------
    USE_HANDOFF_INBOX = "handoff.list", _l("Overdrachten zien")
    VIEW_HANDOFF = "handoff.view", _l("Overdracht inzien")
    # without an object: may decide handoffs at all; on a handoff: a live pending one, as receiver
    DECIDE_HANDOFF = "handoff.decide", _l("Overdracht beslissen")
    SEND_HANDOFF_DRAFT = "handoff.draft.send", _l("Concept-overdracht versturen")
    CANCEL_HANDOFF = "handoff.cancel", _l("Overdracht intrekken")
    COMPLETE_HANDOFF = "handoff.complete", _l("Verwijzing afronden")
    # without an object: may ask at all; on a case: only a case the requester's organisation takes part in
    REQUEST_TRANSFER = "handoff.request", _l("Overdracht vragen")
    VIEW_TRANSFER_REQUEST = "handoff.request.view", _l("Verzoek tot overdracht inzien")
    ANSWER_TRANSFER_REQUEST = "handoff.request.answer", _l("Verzoek tot overdracht beantwoorden")
    WITHDRAW_TRANSFER_REQUEST = "handoff.request.withdraw", _l("Verzoek tot overdracht intrekken")
    # --- accounts: users (admins), one's own API tokens, sessions and notifications -------------
    VIEW_USER = "user.view", _l("Gebruiker inzien")
    LOAD_OWN_TOKEN = "api.token.load", _l("Eigen API-token beheren")
    END_OWN_SESSION = "auth.session.end", _l("Eigen sessie beëindigen")
    READ_OWN_NOTIFICATION = "notification.read", _l("Eigen notificatie lezen")
    MANAGE_OWN_CASE_FILTER = "case.filter.own", _l("Eigen opgeslagen casusfilter gebruiken")
    # --- persons and households -----------------------------------------------------------------
    # a person exists for a user only through a case they may list (never through a hidden case)
    VIEW_PERSON = "person.view", _l("Persoon inzien")
    SEARCH_PERSONS = "person.search", _l("Personen zoeken")
    # the BSN is processed (typed, searched, shown masked) only by organisations whose kind may
    PROCESS_BSN = "person.bsn.process", _l("BSN verwerken")
    REVEAL_BSN = "person.bsn.reveal", _l("BSN tonen")
    # "mogelijk bekend": registrations that matched a person outside the registering user's scope,
    # checked by the ZVH coordinators at the weegtafel
    VIEW_PERSON_MATCHES = "person.match.view", _l("Mogelijk bekende personen inzien")
    VIEW_HOUSEHOLD = "household.view", _l("Huishouden inzien")
    SET_HOUSEHOLD_COORDINATOR = "household.coordinator", _l("Procesregisseur van een huishouden vastleggen")
    # who may be named a household's procesregisseur (asked of the candidate)
    COORDINATE_HOUSEHOLD = "household.coordinate", _l("Procesregisseur van een huishouden zijn")
    # --- signals --------------------------------------------------------------------------------
    REGISTER_SIGNAL = "signal.create", _l("Melding registreren")
    # without an object: works the weegtafel; on a signal: may weigh this one (its type)
    TRIAGE_SIGNALS = "signal.triage", _l("Meldingen wegen")
    VIEW_SIGNAL = "signal.view", _l("Melding inzien")
    # name another organisation than one's own as the source of a signal (ZVH, hotlines)
    NAME_SIGNAL_SOURCE = "signal.source.name", _l("Bron van een melding kiezen")
    # the registrant follows their own signals: what they wrote and the outcome's metadata
    VIEW_OWN_SIGNALS = "signal.own.view", _l("Eigen meldingen volgen")
    # --- meetings -------------------------------------------------------------------------------
    # without an object: may schedule meetings; on a meeting: its organiser's coordinators
    MANAGE_MEETINGS = "meeting.manage", _l("Casusoverleg beheren")
    LIST_MEETINGS = "meeting.list", _l("Casusoverleggen zien")
    VIEW_MEETING = "meeting.view", _l("Casusoverleg inzien")
    # an agenda item is seen by who may see its case; its decision is case content
    VIEW_AGENDA_ITEM = "meeting.item.view", _l("Agendapunt inzien")
    READ_AGENDA_DECISION = "meeting.item.decision.read", _l("Besluit van casusoverleg lezen")
    # on a case: put it on an agenda — a change, so an active participation (never break-the-glass)
    PLACE_ON_AGENDA = "meeting.agenda.add", _l("Casus agenderen")
    # --- documents (stukken) on a case -----------------------------------------------------------
    # on a case: who may read its notes and takes part in it (never supervisors, never break-the-glass)
    LIST_DOCUMENTS = "document.list", _l("Documenten van een casus zien")
    # on a document: as listing, and an internal document only within the author's organisation
    VIEW_DOCUMENT = "document.view", _l("Document inzien")
    DOWNLOAD_DOCUMENT = "document.download", _l("Document downloaden")
    # on a case: who may add notes (writing participants)
    UPLOAD_DOCUMENT = "document.upload", _l("Document toevoegen")
    # on a document: a writing participant of the author's organisation
    ADD_DOCUMENT_VERSION = "document.version", _l("Nieuwe versie van een document toevoegen")
    # --- reports (management information): aggregates within the reader's report scope ----------
    # supervisors (their organisation; the gemeente's: the whole municipality) and the ZVH's
    # coordinators (the cases the ZVH coordinates); see ``rules/reports.py``
    VIEW_REPORTS = "report.view", _l("Rapportages inzien")
    EXPORT_REPORT = "report.export", _l("Rapportage exporteren")
    # --- audit trail ----------------------------------------------------------------------------
    # one event in full (its case reference, object id, reason and details); events in the reader's
    # trail that fail it are shown masked ("afgeschermd") on the screens and in the export alike
    VIEW_AUDIT_EVENT = "audit.event.view", _l("Auditgebeurtenis volledig inzien")
    # --- household-glass: forming households from the screens and the API ---------------------
    # on a case: form its household (who manages the case's participants)
    CREATE_HOUSEHOLD = "household.create", _l("Huishouden vormen")
    # on a household: add and remove members (who manages the participants of one of its visible cases)
    MANAGE_HOUSEHOLD_MEMBERS = "household.members", _l("Leden van een huishouden beheren")
    # --- retention: destruction lists (vernietigingslijsten) -------------------------------------
    # a municipal supervisor and the privacy officer read and approve them; either may take an item off
    VIEW_DESTRUCTION_LISTS = "destruction_list.view", _l("Vernietigingslijsten inzien")
    DRAW_UP_DESTRUCTION_LIST = "destruction_list.draw_up", _l("Vernietigingslijst opstellen")
    APPROVE_DESTRUCTION_LIST = "destruction_list.approve", _l("Vernietigingslijst goedkeuren")
    WITHHOLD_DESTRUCTION_ITEM = "destruction_list.withhold", _l("Onderdeel van vernietigingslijst uitzonderen")
    # --- weegtafel: context, assignment and information requests (rules/signal_requests.py) ------
    # on a signal: name the coordinator who picks it up (who may weigh it)
    ASSIGN_SIGNAL = "signal.assign", _l("Melding toewijzen")
    # on a signal: ask a partner organisation for information; its working-day clock pauses
    REQUEST_SIGNAL_INFORMATION = "signal.information.request", _l("Informatie opvragen bij een partner")
    # without an object: keep the inbox of questions to one's organisation; on a request: answer it
    ANSWER_INFORMATION_REQUEST = "signal.information.answer", _l("Informatievraag beantwoorden")
    # --- plan-steer: completing plan actions ------------------------------------------------------
    # on an action: a writing participant of its owner organisation, or the case's procesregisseur;
    # without an object: may complete actions at all (workers on cases)
    COMPLETE_PLAN_ACTION = "plan.action.complete", _l("Actie van het plan afronden")
    # --- privacy-log: the register of processing activities and the processing log --------------
    # the privacy officer's, without an object (neither holds case content)
    VIEW_REGISTER = "register.view", _l("Verwerkingsregister inzien")
    EXPORT_REGISTER = "register.export", _l("Verwerkingsregister exporteren")
    EDIT_REGISTER = "register.edit", _l("Verwerkingsregister wijzigen")
    VIEW_PROCESSING_LOG = "processing_log.view", _l("Verwerkingslog inzien")
    EXPORT_PROCESSING_LOG = "processing_log.export", _l("Verwerkingslog van een betrokkene exporteren")
    # --- subject-requests: requests of persons concerned (AVG art. 15-21), privacy officers only ---
    # without an object: the list and registering; on a request: seeing and handling it
    MANAGE_SUBJECT_REQUESTS = "subject_request.manage", _l("Verzoeken van betrokkenen behandelen")
    # on a request: compile the inzage export (holds case content; audited with the request)
    EXPORT_SUBJECT_DATA = "subject_request.export", _l("Inzage-export samenstellen")
    # find a person in the whole register by BSN or name + birth date, for a request
    FIND_SUBJECT = "subject_request.find", _l("Betrokkene opzoeken voor een verzoek")
    # on a person: correct their registered data (history kept)
    RECTIFY_PERSON = "subject_request.rectify", _l("Persoonsgegevens rectificeren")
    # on a person or case: mark restricted, or lift the restriction
    RESTRICT_PROCESSING = "subject_request.restrict", _l("Verwerking beperken of beperking opheffen")

    @property
    def label(self) -> str:  # type: ignore[override]
        """The label shown for this action (translated at render time), e.g. in access reviews."""
        return str(self._label or self.value)
