"""The registry's one call upwards (core/ports.py).

`rescore_requested(change_id=...)`: a recorded reference change has committed; re-score the
cases it affects. Provided by assessments (`AssessmentsConfig.ready`), which enqueues the
re-score task. A dead broker must not fail the registry write: the provider logs it and the
periodic check picks the change up.
"""

from core.ports import Port

rescore_requested: Port[None] = Port(
    "registry.rescore_requested",
    provided_by="assessments",
    doc="Re-score the cases a committed ReferenceChange affects (change_id=).",
)
