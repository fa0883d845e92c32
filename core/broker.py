"""Publishing from a request or a service: once, bounded, and never failing the caller.

The broker timeouts in settings (CELERY_BROKER_CONNECTION_TIMEOUT, the transport's socket
timeouts) bound one publish to about a second; `retry=False` makes it a single attempt. A
broker that is down or hung is logged and the work stays in the database (a pending
reference change, a pending outbox row), where beat's periodic tasks find it.
"""

from __future__ import annotations

import logging

from kombu.exceptions import KombuError
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# OSError: connection refused, socket timeouts; the others: kombu's and redis-py's own.
BROKER_DOWN_ERRORS = (KombuError, RedisError, OSError)


def task_publish(task, *args, **kwargs) -> bool:
    """Publish `task(*args, **kwargs)` once. Returns False (and logs) when the broker failed."""
    try:
        task.apply_async(args=args, kwargs=kwargs, retry=False)
    except BROKER_DOWN_ERRORS:
        logger.warning("publish failed: %s left for its periodic task", task.name, exc_info=True)
        return False
    return True
