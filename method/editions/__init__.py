"""Earlier editions of the method, frozen, so that their snapshots still replay.

An assessment stores its method version and its inputs; `edition_for(version)` gives the
(inputs class, assess function) pair that made it. Each frozen edition is a verbatim copy of
the method as it was released (imports rewritten), never edited afterwards: a fix goes into
the current method under a new version.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from method import AssessmentInputs, assess
from method.editions import e2026_11, e2026_12, e2026_12_2
from method.engine import METHOD_VERSION

Edition = tuple[Any, Callable[..., Any]]

_FROZEN: dict[str, Edition] = {
    # 2026.11-1 differed from 2026.11-2 only in one reason's wording (a producer with no
    # quota-holding group); its snapshots replay under 2026.11-2 and report that sentence.
    "2026.11-1": (e2026_11.AssessmentInputs, e2026_11.assess),
    "2026.11-2": (e2026_11.AssessmentInputs, e2026_11.assess),
    # The second edition's first half (parties and supply chain, issue 12).
    "2026.12-1": (e2026_12.AssessmentInputs, e2026_12.assess),
    # The second half (time, party lists with effects, technology, licence records,
    # structured evidence: issue 13).
    "2026.12-2": (e2026_12_2.AssessmentInputs, e2026_12_2.assess),
}


def edition_for(version: str) -> Edition:
    """The inputs class and assess function of `version` (the current method otherwise)."""
    if version == METHOD_VERSION:
        return AssessmentInputs, assess
    return _FROZEN.get(version, (AssessmentInputs, assess))
