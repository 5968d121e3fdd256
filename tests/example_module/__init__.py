"""A module as small as a module gets, to prove the module contract (``tests/test_module_contract.py``).

It touches what a real module touches — a package with ``init_app``, one entry in the module list
(here ``EXTRA_MODULES``, for a real module a line in ``casebook.MODULES``), and actions of the
policy — and nothing else: no edit to ``create_app``, ``base.html``, the case page or the web
plumbing. A real module would also add its migration, its own actions and rules
(``access/actions.py``, ``access/rules/<type>.py``), translations and its route-audit entries;
this one reads cases only, so it uses the cases' actions.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

from casebook.access import Action

bp = Blueprint("example", __name__, url_prefix="/example", template_folder="templates")

# every action the module asks the policy about
ACTIONS = (Action.LIST_CASES, Action.VIEW_CASE)


def init_app(app: Flask) -> None:
    from casebook.cases.extensions import CaseSection, register_section
    from casebook.modules import navigation
    from tests.example_module import views

    app.register_blueprint(bp)
    navigation(app).add("example.index", _l("Voorbeeld"), action=Action.LIST_CASES, order=95)
    register_section(  # a tab of its own in the case dossier, as a Documenten tab would be
        app,
        CaseSection(
            key="example",
            template="example/_section.html",
            load=views.section,
            order=99,
            label=_l("Voorbeeld"),
            path="example",
        ),
    )
