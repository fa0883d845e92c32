"""The shipments app's calls upwards (core/ports.py), all provided by assessments.

`people_told(why=, case_id=, event_id=, people=)`: people were mentioned in a comment
(why "mentioned") or given the case (why "assigned"); the timeline event says what. Tell
them, inside the caller's transaction. Provided by notifications (the outbox).

`case_assess(case=, trigger=, actor=, changed=None)`: a case was created or its inputs may
have moved; assess it inside the caller's transaction. Provided by assessments
(`AssessmentsConfig.ready`), which also decides, from `changed` (the names of the fields an
edit changed; None means "assess regardless"), whether the method reads any of them: the
list of fields the method reads lives with the method's inputs, not here. Returns the new
snapshot, or None when nothing the method reads changed.
"""

from core.ports import Port

case_assess: Port = Port(
    "shipments.case_assess",
    provided_by="assessments",
    doc="Assess a case now (case=, trigger=, actor=, changed=); None if nothing it reads moved.",
)

cases_assess: Port = Port(
    "shipments.cases_assess",
    provided_by="assessments",
    doc="Assess many newly created cases in bulk, in the caller's transaction "
    "(case_ids=, trigger=, actor=, reference=None).",
)

reference_load: Port = Port(
    "shipments.reference_load",
    provided_by="assessments",
    doc="Load the reference data once, for several cases_assess calls (an opaque value).",
)

people_told: Port = Port(
    "shipments.people_told",
    provided_by="notifications",
    doc="Tell people about a timeline event (why= mentioned|assigned, case_id=, event_id=, "
    "people=[user ids]); in the caller's transaction.",
)
