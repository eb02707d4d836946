package quotient

import (
	"errors"
	"time"
)

// IdempotencyRecord is a POST remembered under its Idempotency-Key: the
// request's fingerprint and the response to replay. A request that
// changes something records its key in the transaction of its effect, so
// the two commit together or not at all: a crash or an outage before the
// commit leaves no record, and the retry runs the work, once.
type IdempotencyRecord struct {
	UserID      string
	Key         string
	Method      string
	Path        string
	RequestHash string
	Status      int
	ContentType string
	// Headers are the response headers worth replaying (Location, ETag).
	Headers   map[string]string
	Body      []byte
	CreatedAt time.Time
}

// ErrIdempotencyKeyTaken is what a change returns when, at its commit,
// another request with the same key has committed first: the change rolls
// back and the caller replays the first request's response.
var ErrIdempotencyKeyTaken = errors.New("the idempotency key was recorded by a concurrent request")
