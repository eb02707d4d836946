package quotient

import "context"

// Receipt is work a door adds to a change's own transaction: given what
// the change returns, the record of it to store beside its effect. The
// HTTP server uses it to keep the response of a request made with an
// Idempotency-Key, so that the effect and its record commit (or roll
// back) together and a retry after a crash finds one or the other, never
// half.
type Receipt func(result any) (IdempotencyRecord, error)

type receiptKey struct{}

// WithReceipt returns a context whose next change keeps its receipt.
func WithReceipt(ctx context.Context, r Receipt) context.Context {
	return context.WithValue(ctx, receiptKey{}, r)
}

// ReceiptFrom returns the receipt a change in ctx must keep, if any.
func ReceiptFrom(ctx context.Context) (Receipt, bool) {
	r, ok := ctx.Value(receiptKey{}).(Receipt)
	return r, ok && r != nil
}
