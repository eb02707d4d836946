-- Workspace passwords (argon2id, in its PHC string form; empty: none set)
-- and the failed sign-ins that slow an account's guessing down.
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
CREATE TABLE sign_in_failures (
    user_id TEXT NOT NULL REFERENCES users (id),
    at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_failures_user_idx ON sign_in_failures (user_id, at);
