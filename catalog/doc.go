// Package catalog owns what Quotient sells: products with their configurable
// attributes and options, bundles of products, and price books with their
// entries. It also reads product and price spreadsheets (CSV) all-or-nothing.
package catalog
