-- Who changed what on an account, field by field: credit terms above all,
-- which decide whether orders are held.
CREATE TABLE account_changes (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT NOT NULL,
    new_value  TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX account_changes_account_idx ON account_changes (account_id, created_at);

-- An account's primary contact is who its quotes go to unless another is
-- named; the oldest contact of each account starts as its primary.
ALTER TABLE contacts ADD COLUMN is_primary BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE contacts SET is_primary = TRUE WHERE id IN (SELECT MIN(id) FROM contacts GROUP BY account_id);
