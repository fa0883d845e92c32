from django import template

from accounts.roles import APPROVE_DISPOSITION
from assessments.dispositions.decisions import ADD_PERMISSION
from assessments.presenters import FACTOR_LABELS, case_checklist, factor_rows, verdict_view
from assessments.selectors.dispositions import case_dispositions

register = template.Library()


@register.inclusion_tag("assessments/_panel.html", takes_context=True)
def case_assessment_panel(context, case):
    """The case page's assessment panel: band first, then the factors worst first."""
    assessment = case.latest_assessment if case.latest_assessment_id else None
    user = context.get("user")
    return {
        "case": case,
        "assessment": assessment,
        "factors": factor_rows(assessment) if assessment else [],
        "verdict": verdict_view(assessment) if assessment else None,
        "can_reassess": bool(user and user.has_perm("assessments.add_assessment")),
        "dispositions": list(case_dispositions(case)) if assessment else [],
        "can_dispose": bool(user and user.has_perm(ADD_PERMISSION)),
        "can_approve": bool(user and user.has_perm(APPROVE_DISPOSITION)),
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "request": context.get("request"),
    }


@register.inclusion_tag("assessments/_checklist.html")
def case_document_checklist(case):
    """The case page's documents checklist: what the latest assessment required and found."""
    return {"case": case, "checklist": case_checklist(case)}


@register.filter
def factor_label(name: str) -> str:
    return FACTOR_LABELS.get(name, name)
