package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
)

const (
	idempotencyHeader = "Idempotency-Key"
	replayHeader      = "Idempotent-Replayed"
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
// key. A request that changes something records its key and response in
// the transaction of its effect (see commit and app's change), so a crash
// or a database outage before that commit leaves nothing behind and a
// retry runs the work, exactly once. A repeat after the first finished
// gets the stored response (with Idempotent-Replayed: true); one with
// another body is 422. A repeat that runs while the first still does
// meets its record at commit, rolls back, and replays the first's
// response. Failures (4xx) are stored after the fact, as they changed
// nothing; 5xx are not stored, so a retry runs.
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
	if done, err := s.recorded(c, rec); done || err != nil {
		return err
	}
	st := &idemState{rec: rec}
	c.Locals("idem", st)
	if err := c.Next(); err != nil {
		if errors.Is(err, quotient.ErrIdempotencyKeyTaken) {
			_, err := s.recorded(c, rec)
			return err
		}
		// Render the error now so its response is what we keep.
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	if st.stored || status >= 500 {
		return nil
	}
	saved, err := s.store.SaveIdempotencyKey(ctx, st.record(status, string(c.Response().Header.ContentType()), nil, c.Response().Body()))
	if err != nil {
		s.log.Error("store idempotent response", "request_id", requestID(c), "error", err)
		return nil
	}
	if !saved { // a concurrent request with the key finished first: its answer stands
		_, err := s.recorded(c, rec)
		return err
	}
	return nil
}

// recorded answers with the stored response of a key and reports true,
// or reports false when the key has none.
func (s *Server) recorded(c *fiber.Ctx, want quotient.IdempotencyRecord) (bool, error) {
	got, err := s.store.IdempotencyRecord(c.UserContext(), want.UserID, want.Key)
	if quotient.ErrorCode(err) == quotient.NotFound || (err == nil && got.Status == 0) {
		return false, nil // status 0: a claim the previous design left; never answered
	}
	if err != nil {
		return true, err
	}
	return true, s.replay(c, want, got)
}

func (s *Server) replay(c *fiber.Ctx, want, got quotient.IdempotencyRecord) error {
	if got.RequestHash != want.RequestHash {
		return quotient.FieldErrorf(quotient.Unprocessable, idempotencyHeader,
			"this key was already used for a different request; use a new key for a new request")
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
