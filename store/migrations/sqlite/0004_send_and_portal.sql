-- Sending quotes: the documents customers saw (kept byte for byte, by
-- SHA-256), the transactional outbox that delivers e-mail after commit,
-- the send record of a version, and the customer's acceptance or
-- rejection.

CREATE TABLE documents (
    sha256       TEXT PRIMARY KEY,
    content_type TEXT NOT NULL,
    body         BLOB NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE outbox (
    id              TEXT PRIMARY KEY,
    kind            TEXT NOT NULL,
    quote_id        TEXT,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    locked_until    TEXT,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    sent_at         TEXT
);
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_quote_idx ON outbox (quote_id);

CREATE TABLE quote_sends (
    quote_id    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    pdf_sha256  TEXT NOT NULL REFERENCES documents (sha256),
    recipient   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    sent_by     TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    outbox_id   TEXT NOT NULL REFERENCES outbox (id),
    PRIMARY KEY (quote_id, version),
    FOREIGN KEY (quote_id, version) REFERENCES quote_versions (quote_id, version) ON DELETE CASCADE
);

-- One decision per quote: accepting twice is the same acceptance.
CREATE TABLE quote_decisions (
    quote_id     TEXT PRIMARY KEY REFERENCES quotes (id) ON DELETE CASCADE,
    version      INTEGER NOT NULL,
    decision     TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    signer_name  TEXT NOT NULL DEFAULT '',
    signer_email TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    pdf_sha256   TEXT NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   TEXT NOT NULL
);
