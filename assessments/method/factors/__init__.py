"""The six factors. Each is a pure function of the shared `Context`."""

from assessments.method.factors.context import Context, build_context
from assessments.method.factors.documents import documents
from assessments.method.factors.end_use import end_use
from assessments.method.factors.licence import licence
from assessments.method.factors.producer import producer_eligibility
from assessments.method.factors.quota import quota_headroom
from assessments.method.factors.scope import product_scope

__all__ = [
    "Context",
    "build_context",
    "documents",
    "end_use",
    "licence",
    "producer_eligibility",
    "product_scope",
    "quota_headroom",
]
