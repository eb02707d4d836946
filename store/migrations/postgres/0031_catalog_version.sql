-- The catalog's version: what pricing reads besides the rulebook (products,
-- bundles, price books and their entries, configuration rules) is cached
-- by every server under this value, which every change of those tables
-- replaces, in the changing transaction, by trigger (so no write path can
-- forget it). It is random, not a count: a rolled-back change must not
-- leave a number a later change would reuse for other data.
ALTER TABLE rulebook ADD COLUMN catalog_version BIGINT NOT NULL DEFAULT 1;

CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE rulebook SET catalog_version = floor(random() * 9007199254740991)::bigint + 2 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER products_catalog_version AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER bundle_components_catalog_version AFTER INSERT OR UPDATE OR DELETE ON bundle_components
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER price_books_catalog_version AFTER INSERT OR UPDATE OR DELETE ON price_books
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER price_book_entries_catalog_version AFTER INSERT OR UPDATE OR DELETE ON price_book_entries
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
CREATE TRIGGER product_rules_catalog_version AFTER INSERT OR UPDATE OR DELETE ON product_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
