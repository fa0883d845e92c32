"""A case's screening hits now, as the disposition form offers them."""

from __future__ import annotations

from dataclasses import dataclass

from assessments.selectors.inputs import assessment_inputs_build
from method.screening import screen_party


@dataclass(frozen=True)
class Hit:
    """A screening hit of one of the case's parties, as a disposition would name it."""

    entry_id: int
    entry_name: str
    list_name: str
    party_role: str
    party_name: str
    score: float
    strength: str
    described: str

    @property
    def key(self) -> str:
        return f"{self.entry_id}:{self.party_role}"

    @property
    def role_label(self) -> str:
        return self.party_role.replace("_", " ")

    @property
    def label(self) -> str:
        role = self.role_label
        return (
            f"{role} '{self.party_name}' vs '{self.entry_name}' ({self.list_name}; "
            f"{self.strength}, {self.described})"
        )


def case_hits(case) -> list[Hit]:
    """The screening hits of the case's parties now, best first (one per entry and role)."""
    inputs, _ = assessment_inputs_build(case)
    entries = {w.id: w for w in inputs.watch_candidates}
    hits: dict[tuple[int, str], Hit] = {}
    for party in inputs.case.parties:
        for m in screen_party(party, entries.values(), inputs.settings):
            entry = entries[m.entry_id]
            hits.setdefault(
                (m.entry_id, party.role),
                Hit(
                    m.entry_id,
                    entry.name,
                    entry.list_name,
                    party.role,
                    party.name,
                    m.score,
                    m.strength,
                    m.described,
                ),
            )
    order = {"strong": 0, "potential": 1, "weak": 2}
    return sorted(hits.values(), key=lambda h: (order.get(h.strength, 3), -h.score))
