"""The six factors. Each is a pure function of the shared `Context`."""

from method.editions.e2026_12_2.factors.context import Context, build_context
from method.editions.e2026_12_2.factors.documents import documents
from method.editions.e2026_12_2.factors.end_use import end_use
from method.editions.e2026_12_2.factors.licence import licence
from method.editions.e2026_12_2.factors.producer import producer_eligibility
from method.editions.e2026_12_2.factors.quota import quota_headroom
from method.editions.e2026_12_2.factors.scope import product_scope

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
