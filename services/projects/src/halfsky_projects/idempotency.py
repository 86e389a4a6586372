"""Idempotency-Key on creating POSTs: the shared rule of `halfsky_common.idempotency`, in this service's table."""

from functools import partial

from halfsky_common import idempotency
from halfsky_common.idempotency import IdempotencyRecordBase
from halfsky_projects.base import Base

HEADER = idempotency.HEADER


class IdempotencyRecord(IdempotencyRecordBase, Base, table=True):
    """A create request seen under a key, and the response it got."""

    __tablename__ = "idempotency_record"


# Run a create once per Idempotency-Key (when given), commit, and answer with its result and its ETag:
# `await run_idempotent(request, session, user, create)`.
run_idempotent = partial(idempotency.run_model_create, record=IdempotencyRecord)
