"""Writes for dispositions (DOMAIN, "Decisions that last and reopen").

- `decisions`: `disposition_create`, `disposition_approve`, `disposition_reject`,
  `disposition_revoke` (a person decides; approving or revoking re-assesses the case);
- `settle`: `dispositions_settle`, what an assessment found (reopened, lapsed) written
  back on the dispositions, exactly once.

Nothing is re-exported here: the re-score imports `settle`, and `decisions` imports the
re-score.
"""
