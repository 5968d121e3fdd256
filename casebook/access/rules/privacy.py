"""Rules for the privacy officer's duties: the register of processing activities and the processing log.

Both are read and kept without an object and hold no case content: the register describes
processing, the log's lines hold pseudonyms, activity codes and times only. Only the privacy
officer (privacyfunctionaris) may see, change or export them; everyone else gets 404.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.auth.models import User


@rule(
    Action.VIEW_REGISTER,
    Action.EXPORT_REGISTER,
    Action.EDIT_REGISTER,
    Action.VIEW_PROCESSING_LOG,
    Action.EXPORT_PROCESSING_LOG,
)
def privacy_officer_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, action)
