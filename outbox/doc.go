// Package outbox holds the e-mail Quotient has decided to send. A message
// is written in the transaction that decided to send it (a quote sent, a
// reminder due) and delivered after commit by the worker, so a decision
// that rolls back sends nothing and one that commits is never lost. This
// package owns the message, its life (pending, sent, failed) and the
// retry schedule; the worker owns the delivery loop.
package outbox
