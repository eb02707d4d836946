-- A user's locale for the workspace and their e-mails ("ja-JP", "de-DE");
-- empty follows the browser's language.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT '';
