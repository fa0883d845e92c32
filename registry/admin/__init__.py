"""Django admin for the reference data: one module per sub-domain."""

from . import calendar, changes, lists, measures, producers, quotas, watchlists

__all__ = ["calendar", "changes", "lists", "measures", "producers", "quotas", "watchlists"]
