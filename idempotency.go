package quotient

import "time"

// IdempotencyRecord is a POST remembered under its Idempotency-Key: the
// request's fingerprint and, once it finished, the response to replay.
// Status 0 means the first request is still running.
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
