"""Privacy duties: the register of processing activities (AVG art. 30), the processing log
(Logboek Dataverwerkingen) and the privacy officer's pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("privacy", __name__)
