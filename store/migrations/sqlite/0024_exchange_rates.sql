-- Exchange rates: what one unit of currency is worth in base_currency
-- from rate_date until the pair's next rate.
CREATE TABLE exchange_rates (
    id            TEXT PRIMARY KEY,
    rate_date     TEXT NOT NULL,
    currency      TEXT NOT NULL,
    base_currency TEXT NOT NULL,
    rate          TEXT NOT NULL,
    version       INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX exchange_rates_pair_date_key ON exchange_rates (currency, base_currency, rate_date);
