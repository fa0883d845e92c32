"""Limits the outbox and the digests share."""

from __future__ import annotations

import datetime as dt

# outbox_flush stops re-enqueueing a message after this many attempts; staff can still retry.
OUTBOX_MAX_ATTEMPTS = 8
# A pending or failed row untouched this long lost its task (or awaits its next try).
OUTBOX_RETRY_AFTER = dt.timedelta(minutes=1)
# Longer than outbox_send's hard time limit: a row still "sending" after this was orphaned.
SENDING_LEASE = dt.timedelta(minutes=10)
# The first digest covers the last day; a digest never reaches back further than a week.
DIGEST_FIRST_WINDOW = dt.timedelta(days=1)
DIGEST_MAX_LOOKBACK = dt.timedelta(days=7)
FLUSH_BATCH = 500
