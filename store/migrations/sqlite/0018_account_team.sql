-- An account's team: the people besides its owner who work it (a sales
-- engineer, a second rep). They read the account's quotes, orders,
-- invoices and payments as its owner does.
CREATE TABLE account_team (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    role       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX account_team_user_idx ON account_team (user_id);
