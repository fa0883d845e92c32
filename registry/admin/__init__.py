"""Django admin for the reference data: one module per sub-domain."""

from . import (
    calendar,
    changes,
    destinations,
    lists,
    measures,
    producers,
    quotas,
    technology,
    watchlists,
)

__all__ = [
    "calendar",
    "changes",
    "destinations",
    "lists",
    "measures",
    "producers",
    "quotas",
    "technology",
    "watchlists",
]
