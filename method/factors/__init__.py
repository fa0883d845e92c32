"""The six factors. Each is a pure function of the shared `Context`."""

from method.factors.context import Context, build_context
from method.factors.documents import documents
from method.factors.end_use import end_use
from method.factors.licence import licence
from method.factors.producer import producer_eligibility
from method.factors.quota import quota_headroom
from method.factors.scope import product_scope

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
