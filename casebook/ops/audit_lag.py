"""How far the audit trail runs ahead of its last signed checkpoint.

Events are chained when their transaction commits (``casebook.audit.chain``), so no committed event
is ever unchained. What can lag is the *seal*: a checkpoint (``casebook audit checkpoint --append``,
a timer) signs the head and is kept outside the database; events after it are protected by the
chain key only until the next one. The last checkpoint's position comes from its ``job_run`` row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casebook.audit.models import AuditEvent
from casebook.ops.jobs import CHECKPOINT_JOB, SUCCESS, JobRun


@dataclass(frozen=True)
class AuditLag:
    head_seq: int  # position of the newest event: the number of events written
    sealed_seq: int  # position the last successful checkpoint signed (0: none yet)
    oldest_unsealed_at: datetime | None
    now: datetime

    @property
    def unsealed(self) -> int:
        return max(self.head_seq - self.sealed_seq, 0)

    @property
    def oldest_unsealed_age_seconds(self) -> float:
        if self.oldest_unsealed_at is None:
            return 0.0
        return max((self.now - self.oldest_unsealed_at).total_seconds(), 0.0)


def measure(session: Session, now: datetime) -> AuditLag:
    """Two indexed statements, whatever the size of the trail."""
    events = AuditEvent.__table__
    head, sealed = session.execute(
        select(
            select(func.max(events.c.seq)).scalar_subquery(),
            select(func.max(JobRun.position))
            .where(JobRun.job == CHECKPOINT_JOB, JobRun.outcome == SUCCESS)
            .scalar_subquery(),
        )
    ).one()
    head, sealed = int(head or 0), int(sealed or 0)
    oldest = None
    if head > sealed:
        oldest = session.scalar(
            select(AuditEvent.occurred_at).where(AuditEvent.seq > sealed).order_by(AuditEvent.seq).limit(1)
        )
    return AuditLag(head_seq=head, sealed_seq=sealed, oldest_unsealed_at=oldest, now=now)
