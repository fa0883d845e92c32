"""One factor comparison (method.diff) behind the case history and the alert e-mails."""

from method.diff import factor_changes

OLD = [
    {"factor": "licence", "severity": "low", "reason": "applied in time"},
    {"factor": "documents", "severity": "none", "reason": "complete"},
    {"factor": "quota_headroom", "severity": "medium", "reason": "batch 1 only"},
]
NEW = [
    {
        "factor": "licence",
        "severity": "high",
        "reason": "decision due late",
        "evidence": [{"label": "MOFCOM notice 18"}],
        "next_steps": ["Ask the exporter for the receipt"],
    },
    {"factor": "documents", "severity": "none", "reason": "complete, re-checked"},
]


def test_the_diff_lists_severity_and_reason_changes_and_factors_gone():
    changes = {c.factor: c for c in factor_changes(OLD, NEW)}
    assert set(changes) == {"licence", "documents", "quota_headroom"}
    licence = changes["licence"]
    assert (licence.old_severity, licence.new_severity) == ("low", "high")
    assert licence.worsened
    assert licence.evidence == ("MOFCOM notice 18",)
    assert licence.next_steps == ("Ask the exporter for the receipt",)
    assert not changes["documents"].severity_changed  # a reason-only change
    gone = changes["quota_headroom"]
    assert (gone.new_severity, gone.reason) == (None, "batch 1 only")
    assert not gone.worsened


def test_the_alert_view_is_the_severity_changes_of_the_same_diff():
    from notifications.services import factor_changes as alert_changes

    alert = alert_changes(OLD, NEW)
    assert [c.factor for c in alert] == ["licence", "quota_headroom"]  # worst new first
    assert alert[1].new_severity == "none"  # shown as "none" in the e-mail
    history = [c for c in factor_changes(OLD, NEW) if c.severity_changed]
    assert {c.factor for c in history} == {c.factor for c in alert}
