"""The stored first response of each (caller, Idempotency-Key): the shared columns, in this service's database."""

from halfsky_cases.base import Base
from halfsky_common.idempotency import IdempotencyRecordBase


class IdempotencyRecord(IdempotencyRecordBase, Base, table=True):
    __tablename__ = "idempotency_record"
