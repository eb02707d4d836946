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
)

// idempotent makes a POST with an Idempotency-Key happen once per user and
// key: the first request claims the key in its own committed transaction;
// a repeat with the same body gets the first response replayed (with
// Idempotent-Replayed: true), one with another body is 422, and one that
// arrives while the first still runs waits for it. Responses of 5xx are
// not kept, so a retry after a server fault runs again.
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
		RequestHash: hex.EncodeToString(sum.Sum(nil)), CreatedAt: s.now().UTC()}
	var got quotient.IdempotencyRecord
	var claimed bool
	if err := s.db.InTx(ctx, func(tx Tx) error {
		var err error
		got, claimed, err = tx.ClaimIdempotencyKey(ctx, rec)
		return err
	}); err != nil {
		return err
	}
	if !claimed {
		return s.replay(c, rec, got)
	}
	err := c.Next()
	if err != nil {
		// Render the error now so its response is what we keep.
		if herr := s.errorHandler(c, err); herr != nil {
			return herr
		}
	}
	status := c.Response().StatusCode()
	store := func(tx Tx) error {
		if status >= 500 {
			return tx.ReleaseIdempotencyKey(ctx, a.UserID, key)
		}
		return tx.CompleteIdempotencyKey(ctx, a.UserID, key, status, string(c.Response().Header.ContentType()), c.Response().Body())
	}
	if serr := s.db.InTx(ctx, store); serr != nil {
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
		err := s.db.View(ctx, func(tx Tx) error {
			var err error
			got, err = tx.IdempotencyRecord(ctx, want.UserID, want.Key)
			return err
		})
		if quotient.ErrorCode(err) == quotient.NotFound {
			// The first request failed on the server and released the key:
			// this one may run instead.
			return quotient.FieldErrorf(quotient.Conflict, idempotencyHeader, "the first request with this key failed; retry it")
		}
		if err != nil {
			return err
		}
	}
	c.Set(replayHeader, "true")
	if got.ContentType != "" {
		c.Set(fiber.HeaderContentType, got.ContentType)
	}
	c.Status(got.Status)
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
