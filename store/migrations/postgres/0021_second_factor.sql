-- Time-based one-time codes (RFC 6238) as a second factor: required for
-- admins and finance, optional for others. A secret being set up waits in
-- totp_pending until a code from it is confirmed; the last step used stops
-- a code from being used twice. A session proves the second factor once.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_pending TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN second_factor BOOLEAN NOT NULL DEFAULT FALSE;
