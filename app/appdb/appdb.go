package appdb

import (
	"context"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/store"
)

// DB is a store.DB as the application layer sees it.
type DB struct{ *store.DB }

// InTx runs fn in a read-write transaction, retried on serialization
// failures and deadlocks.
func (d DB) InTx(ctx context.Context, fn func(app.Tx) error) error {
	return d.DB.InTx(ctx, func(tx *store.Tx) error { return fn(tx) })
}

// View runs fn in a read-only transaction, a consistent snapshot.
func (d DB) View(ctx context.Context, fn func(app.Tx) error) error {
	return d.DB.View(ctx, func(tx *store.Tx) error { return fn(tx) })
}

// Read runs fn outside a transaction, each statement on its own: for a
// single-statement read.
func (d DB) Read(ctx context.Context, fn func(app.Tx) error) error {
	return d.DB.Read(ctx, func(tx *store.Tx) error { return fn(tx) })
}
