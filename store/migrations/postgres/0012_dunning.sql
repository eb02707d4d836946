-- Dunning: reminder levels by days overdue, and the notices each invoice
-- got (one per level, by unique key), sent through the outbox.

CREATE TABLE dunning_levels (
    id           TEXT PRIMARY KEY,
    level        INTEGER NOT NULL,
    name         TEXT NOT NULL,
    days_overdue INTEGER NOT NULL CHECK (days_overdue > 0),
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    active       BOOLEAN NOT NULL,
    version      INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX dunning_levels_level_key ON dunning_levels (level);

CREATE TABLE dunning_notices (
    id           TEXT PRIMARY KEY,
    invoice_id   TEXT NOT NULL REFERENCES invoices (id),
    level_id     TEXT NOT NULL REFERENCES dunning_levels (id),
    level        INTEGER NOT NULL,
    level_name   TEXT NOT NULL,
    days_overdue INTEGER NOT NULL,
    sent_to      TEXT NOT NULL,
    outbox_id    TEXT,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX dunning_notices_invoice_level_key ON dunning_notices (invoice_id, level);
