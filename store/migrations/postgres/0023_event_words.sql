-- How a quote event's detail was said: its fmt format and values (a JSON
-- array of strings), so pages say it in their reader's language. Empty for
-- events recorded before, whose detail stays in English.
ALTER TABLE quote_events ADD COLUMN detail_format TEXT NOT NULL DEFAULT '';
ALTER TABLE quote_events ADD COLUMN detail_args TEXT NOT NULL DEFAULT '';
