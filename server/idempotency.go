package server

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
)

const (
	idempotencyHeader = "Idempotency-Key"
	replayHeader      = "Idempotent-Replayed"
	// pendingWait bounds how long a duplicate waits for the first request.
	pendingWait = 15 * time.Second
	// secretPath answers with a secret shown once; its body is never stored.
	secretPath = v1 + "/tokens"
)

// idemState is the claimed key of the request being handled.
type idemState struct {
	rec quotient.IdempotencyRecord
	// stored is set when the response was recorded in the transaction
	// that made the request's effect.
	stored bool
}

// record returns the record to store for a response.
func (st *idemState) record(status int, contentType string, headers map[string]string, body []byte) quotient.IdempotencyRecord {
	r := st.rec
	r.Status, r.ContentType, r.Headers, r.Body = status, contentType, headers, body
	if r.Path == secretPath && status < 300 {
		r.Body, r.ContentType = nil, ""
	}
	return r
}

// idempotent makes a POST with an Idempotency-Key happen once per user and
// key. The first request claims the key in a committed transaction of its
// own; its response is then stored in the same transaction as its effect
// (see commit), so a crash can never leave an effect without its record.
// A repeat with the same body gets the stored response (with
// Idempotent-Replayed: true); one with another body is 422; one arriving
// while the first still runs waits for it. Failures (4xx) are stored after
// the fact, as they changed nothing; 5xx are not stored, so a retry runs.
func (s *Server) idempotent(c *fiber.Ctx) error {
	key := c.Get(idempotencyHeader)
	if c.Method() != fiber.MethodPost || key == "" {
		return c.Next()
	}
	if len(key) > 255 || !printable(key) {
		return invalid(idempotencyHeader, "must be 1-255 printable ASCII characters")
	}
	ctx := c.UserContext()
	a := actorOf(ctx)
	sum := sha256.New()
	sum.Write([]byte(c.Method() + " " + c.Path() + "?" + string(c.Request().URI().QueryString()) + "\n"))
	sum.Write(c.Body())
	rec := quotient.IdempotencyRecord{UserID: a.UserID, Key: key, Method: c.Method(), Path: c.Path(),
		RequestHash: hex.EncodeToString(sum.Sum(nil)), CreatedAt: s.app.Now()}
	got, claimed, err := s.store.ClaimIdempotencyKey(ctx, rec)
	if err != nil {
		return err
	}
	if !claimed {
		return s.replay(c, rec, got)
	}
	st := &idemState{rec: rec}
	c.Locals("idem", st)
	if err := c.Next(); err != nil {
		// Render the error now so its response is what we keep.
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	if st.stored {
		return nil
	}
	status := c.Response().StatusCode()
	var serr error
	if status >= 500 {
		serr = s.store.ReleaseIdempotencyKey(ctx, a.UserID, key)
	} else {
		serr = s.store.CompleteIdempotencyKey(ctx, st.record(status, string(c.Response().Header.ContentType()), nil, c.Response().Body()))
	}
	if serr != nil {
		s.log.Error("store idempotent response", "request_id", requestID(c), "error", serr)
	}
	return nil
}

func (s *Server) replay(c *fiber.Ctx, want, got quotient.IdempotencyRecord) error {
	if got.RequestHash != want.RequestHash {
		return quotient.FieldErrorf(quotient.Unprocessable, idempotencyHeader,
			"this key was already used for a different request; use a new key for a new request")
	}
	ctx := c.UserContext()
	deadline := time.Now().Add(pendingWait)
	for got.Status == 0 {
		if time.Now().After(deadline) {
			return quotient.FieldErrorf(quotient.Conflict, idempotencyHeader, "the first request with this key is still running; retry later")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
		var err error
		got, err = s.store.IdempotencyRecord(ctx, want.UserID, want.Key)
		if quotient.ErrorCode(err) == quotient.NotFound {
			// The first request failed on the server and released the key.
			return quotient.FieldErrorf(quotient.Conflict, idempotencyHeader, "the first request with this key failed; retry it")
		}
		if err != nil {
			return err
		}
	}
	if got.Path == secretPath && got.Status < 300 {
		return quotient.FieldErrorf(quotient.Conflict, idempotencyHeader,
			"a token was already created with this key and its secret was shown once; create a new token with a new key")
	}
	c.Set(replayHeader, "true")
	for k, v := range got.Headers {
		c.Set(k, v)
	}
	if got.ContentType != "" {
		c.Set(fiber.HeaderContentType, got.ContentType)
	}
	c.Status(got.Status)
	if len(got.Body) == 0 {
		return nil
	}
	return c.Send(got.Body)
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
