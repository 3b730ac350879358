"""The published name of each list source: one table for every reader (the page, ``/api/queue``, exports).

Source ids (``ofac_sdn``, ``uflpa``, ...) are EntryWatch's own keys; a reviewer reads the name the publisher
gives the list. A reason also carries ``list``, the name of the list its entity is on as the source file
states it (for the trade.gov CSL, the sub-list, e.g. "Entity List (EL) - Bureau of Industry and Security").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LIST_NAMES: dict[str, str] = {
    "ofac_sdn": "OFAC Specially Designated Nationals (SDN) List",
    "ofac_cons": "OFAC Consolidated Sanctions List (Non-SDN Lists)",
    "csl": "Consolidated Screening List (trade.gov)",
    "un_sc": "United Nations Security Council Consolidated List",
    "bis_dpl": "BIS Denied Persons List",
    "uflpa": "UFLPA Entity List",
    "cbp_wro": "CBP Withhold Release Orders and Findings",
    "cbp_wro_names": "CBP Withhold Release Orders and Findings",
    "opensanctions": "OpenSanctions",
    "internal": "Internal list",
}


def list_name(source: str) -> str:
    """The published name of a source; an unknown source (a company's own list) is named by its id."""
    return LIST_NAMES.get(source, source)


def reason_source(reason: Mapping[str, Any]) -> str | None:
    """The list source a reason's hit comes from: a LIST_UPDATE's ``evidence.list_update.source``, else the
    prefix of its ``entity_id`` (``uflpa:...``); None for a rule-based reason."""
    evidence = reason.get("evidence")
    if isinstance(evidence, Mapping):
        update = evidence.get("list_update")
        if isinstance(update, Mapping) and isinstance(update.get("source"), str):
            return str(update["source"])
    entity = reason.get("entity_id")
    if isinstance(entity, str) and ":" in entity:
        return entity.split(":", 1)[0]
    return None
