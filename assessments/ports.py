"""The assessments app's one call upwards (core/ports.py).

`band_worsened(worsened=[Worsened, ...])`: new snapshots whose band is worse than the one
before; write the alert rows for the people on the cases. Called inside the snapshots'
transaction (the transactional outbox: the rows commit, or roll back, with the snapshots).
Provided by notifications (`NotificationsConfig.ready`), which owns who hears about it, how
and when; sending is its own later step.
"""

from dataclasses import dataclass

from core.ports import Port


@dataclass(frozen=True)
class Worsened:
    """A snapshot whose band worsened: what the alert rows need, without loading it."""

    assessment_id: int
    case_id: int
    old_band: str
    new_band: str


band_worsened: Port[int] = Port(
    "assessments.band_worsened",
    provided_by="notifications",
    doc="Write the alert rows for snapshots whose band worsened (worsened=); returns rows.",
)
