"""How long the audit trail and the stored entries are kept (setting ``audit_retention_days``)."""

from __future__ import annotations

DAY = 86_400  # seconds


def ttl_s(retention_days: float) -> int:
    """The retention period in whole seconds (at least one): the audit keys' TTL, the stored entries' cutoff."""
    return max(1, int(retention_days * DAY))
