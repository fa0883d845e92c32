"""The assessments app's one call upwards (core/ports.py).

`band_worsened(assessment=...)`: a new snapshot's band is worse than the one before; tell
the people on the case. Provided by notifications (`NotificationsConfig.ready`), which owns
who hears about it, how, and when.
"""

from core.ports import Port

band_worsened: Port[None] = Port(
    "assessments.band_worsened",
    provided_by="notifications",
    doc="Alert the people on a case whose band worsened (assessment=).",
)
