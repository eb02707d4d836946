-- The catalog's version: what pricing reads besides the rulebook (products,
-- bundles, price books and their entries, configuration rules) is cached
-- by every server under this value, which every change of those tables
-- replaces, in the changing transaction, by trigger (so no write path can
-- forget it). It is random, not a count: a rolled-back change must not
-- leave a number a later change would reuse for other data.
ALTER TABLE rulebook ADD COLUMN catalog_version INTEGER NOT NULL DEFAULT 1;

CREATE TRIGGER products_catalog_version_insert AFTER INSERT ON products
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER products_catalog_version_update AFTER UPDATE ON products
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER products_catalog_version_delete AFTER DELETE ON products
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER bundle_components_catalog_version_insert AFTER INSERT ON bundle_components
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER bundle_components_catalog_version_update AFTER UPDATE ON bundle_components
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER bundle_components_catalog_version_delete AFTER DELETE ON bundle_components
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER price_books_catalog_version_insert AFTER INSERT ON price_books
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER price_books_catalog_version_update AFTER UPDATE ON price_books
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER price_books_catalog_version_delete AFTER DELETE ON price_books
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER price_book_entries_catalog_version_insert AFTER INSERT ON price_book_entries
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER price_book_entries_catalog_version_update AFTER UPDATE ON price_book_entries
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER price_book_entries_catalog_version_delete AFTER DELETE ON price_book_entries
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER product_rules_catalog_version_insert AFTER INSERT ON product_rules
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER product_rules_catalog_version_update AFTER UPDATE ON product_rules
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;

CREATE TRIGGER product_rules_catalog_version_delete AFTER DELETE ON product_rules
BEGIN
    UPDATE rulebook SET catalog_version = random() WHERE id = 1;
END;
