"""Which findings are riskiest: the order managers act in, in every digest and the report's
overdue list. Students, ASYEs and staff on probation first; then 1:1 supervision; then child
protection and care proceedings cases, then other cases; then records, agreements and duties.
Within a tier, the most overdue first (`Finding.risk_order`)."""

from __future__ import annotations

from datetime import date
from enum import IntEnum

from models.policy.facts import CaseCategory, Role, StaffMember
from models.policy.findings import Kind


class Tier(IntEnum):
    EARLY_CAREER = 0
    ONE_TO_ONE = 1
    URGENT_CASE = 2
    CASE = 3
    RECORDS_AND_DUTIES = 4


ONE_TO_ONE_KINDS = frozenset(
    {
        Kind.SUPERVISION_UPCOMING,
        Kind.SUPERVISION_OVERDUE,
        Kind.REBOOK_OVERDUE,
        Kind.SUPERVISOR_ABSENT,
        Kind.SUPERVISOR_MISSING,
    }
)
CASE_KINDS = frozenset({Kind.CASE_DISCUSSION_UPCOMING, Kind.CASE_DISCUSSION_OVERDUE, Kind.CASE_UNALLOCATED})
URGENT_CATEGORIES = frozenset({CaseCategory.CP, CaseCategory.CARE_PROCEEDINGS})


def is_early_career(member: StaffMember, as_of: date) -> bool:
    """A student, an ASYE, or someone still on probation: those least able to go without."""
    return (
        member.role in (Role.STUDENT, Role.ASYE)
        or member.asye_start is not None
        or (member.probation_end is not None and as_of <= member.probation_end)
    )


def tier(kind: Kind, member: StaffMember | None, category: CaseCategory | None, as_of: date) -> Tier:
    if member is not None and kind not in CASE_KINDS and is_early_career(member, as_of):
        return Tier.EARLY_CAREER
    if kind in ONE_TO_ONE_KINDS:
        return Tier.ONE_TO_ONE
    if kind in CASE_KINDS:
        return Tier.URGENT_CASE if category in URGENT_CATEGORIES else Tier.CASE
    return Tier.RECORDS_AND_DUTIES
