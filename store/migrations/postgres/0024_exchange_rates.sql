-- Exchange rates: what one unit of currency is worth in base_currency
-- from rate_date until the pair's next rate.
CREATE TABLE exchange_rates (
    id            TEXT PRIMARY KEY,
    rate_date     DATE NOT NULL,
    currency      TEXT NOT NULL,
    base_currency TEXT NOT NULL,
    rate          NUMERIC NOT NULL,
    version       INTEGER NOT NULL,
    created_by    TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX exchange_rates_pair_date_key ON exchange_rates (currency, base_currency, rate_date);
