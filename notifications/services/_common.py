"""Limits the outbox and the digests share."""

from __future__ import annotations

import datetime as dt

# The retry schedule of one row: 30 s after the first failure, doubling, at most 4 hours
# apart; a row still failing a day after its first failure is a dead letter.
OUTBOX_BACKOFF_FIRST = dt.timedelta(seconds=30)
OUTBOX_BACKOFF_MAX = dt.timedelta(hours=4)
OUTBOX_DEAD_AFTER = dt.timedelta(days=1)
# Staff hear of an outbox incident once mail has been failing this long (or a row is dead).
OUTBOX_STAFF_NOTICE_AFTER = dt.timedelta(minutes=15)
# Longer than a flush's hard time limit: a row still "sending" after this was orphaned.
SENDING_LEASE = dt.timedelta(minutes=10)
# One flush sends at most this many rows and stops starting sends after this long.
FLUSH_BATCH = 500
FLUSH_TIME_BUDGET = dt.timedelta(seconds=50)
# The first digest covers the last day; a digest never reaches back further than a week.
DIGEST_FIRST_WINDOW = dt.timedelta(days=1)
DIGEST_MAX_LOOKBACK = dt.timedelta(days=7)


def outbox_backoff(attempts: int) -> dt.timedelta:
    """Wait after the `attempts`-th failed attempt (1-based) before the next one."""
    step = OUTBOX_BACKOFF_FIRST * (2 ** min(max(attempts - 1, 0), 20))
    return min(step, OUTBOX_BACKOFF_MAX)
