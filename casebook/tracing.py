"""W3C Trace Context (``traceparent``) for every request and command: the trace the processing log
(Logboek Dataverwerkingen) and the audit trail share.

A request continues the trace of a valid incoming ``traceparent`` (an API client, a partner's
system) and otherwise starts one; either way it gets a span of its own, sent back in the
response's ``traceparent``. An invalid header is ignored — a new trace starts, never an error. The
trace id is also the request id the audit events carry (``casebook.web``), so a processing-log
line and the audit event of the same request join on it. Outside a request (CLI, demo seed) the
app context gets a trace of its own on first use.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import g

from casebook.db import utcnow

TRACEPARENT = "traceparent"
_HEADER = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?")
_TRACE_ID = re.compile(r"[0-9a-f]{32}")
_ZERO_TRACE, _ZERO_SPAN = "0" * 32, "0" * 16


@dataclass(frozen=True)
class TraceContext:
    trace_id: str  # 32 lowercase hex
    span_id: str  # this request's own span, 16 lowercase hex
    parent_span_id: str | None  # the caller's span, from its traceparent
    flags: str  # trace-flags, 2 hex (01: sampled)
    started_at: datetime

    def traceparent(self) -> str:
        """The header value naming this request's span as the parent of whatever follows it."""
        return f"00-{self.trace_id}-{self.span_id}-{self.flags}"


def parse_traceparent(header: str | None) -> tuple[str, str, str] | None:
    """``(trace_id, parent_id, flags)`` of a valid ``traceparent``, else None.

    Per the W3C recommendation: version ``ff`` is invalid, version ``00`` has exactly four fields,
    a later version may append fields; all-zero trace and parent ids are invalid; upper case is.
    """
    if not header or len(header) > 512:
        return None
    match = _HEADER.fullmatch(header.strip())
    if match is None:
        return None
    version, trace_id, parent_id, flags, rest = match.groups()
    if version == "ff" or (version == "00" and rest is not None):
        return None
    if trace_id == _ZERO_TRACE or parent_id == _ZERO_SPAN:
        return None
    return trace_id, parent_id, flags


def is_trace_id(value: str) -> bool:
    """A valid W3C trace id (e.g. nginx's ``$request_id``, 32 hex): usable as the trace of a request."""
    return bool(_TRACE_ID.fullmatch(value)) and value != _ZERO_TRACE


def new_trace_id() -> str:
    return secrets.token_hex(16)


def new_span_id() -> str:
    return secrets.token_hex(8)


def start(traceparent: str | None = None, *, request_id: str | None = None) -> TraceContext:
    """The context of a new request: the caller's trace when its ``traceparent`` is valid, else the
    proxy's request id when it is a trace id, else a new trace; always a new span. Kept on ``g``."""
    parsed = parse_traceparent(traceparent)
    if parsed is not None:
        trace_id, parent, flags = parsed
    else:
        trace_id = request_id if request_id and is_trace_id(request_id) else new_trace_id()
        parent, flags = None, "01"
    context = TraceContext(trace_id, new_span_id(), parent, flags, utcnow())
    g.trace_context = context
    return context


def current() -> TraceContext:
    """The trace of the request or command in progress (started on first use outside a request)."""
    context = g.get("trace_context")
    return context if context is not None else start()
