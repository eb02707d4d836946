// Package appdb runs the application layer's transactions on the store:
// it adapts *store.DB, whose transactions hand out *store.Tx, to app.DB,
// whose use cases take an app.Tx. The wiring (cmd/quotient) and the
// use-case tests (app/apptest) build their App on it.
package appdb
