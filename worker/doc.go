// Package worker is Quotient's background work: delivering the outbox's
// e-mail, expiring quotes, the daily dunning run and the hourly clean-up
// of idempotency keys. Every server on a database runs a worker, so each
// job is safe to run from many at once: e-mail is leased (SKIP LOCKED on
// PostgreSQL), expiry is guarded by each version's etag, the day's dunning
// is claimed by the first server, and the clean-up is idempotent. The work
// itself is use cases of the application layer; this package owns when
// they run and the delivery of mail.
package worker
