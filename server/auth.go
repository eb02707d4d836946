package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// publicPaths are the /api/v1 paths served without a token.
var publicPaths = map[string]bool{"/api/v1/openapi.json": true}

// authenticate resolves "Authorization: Bearer <token>" into the acting
// user and puts it in the request's context.
func (s *Server) authenticate(c *fiber.Ctx) error {
	if publicPaths[c.Path()] {
		return c.Next()
	}
	h := c.Get(fiber.HeaderAuthorization)
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="quotient"`)
		return quotient.Errorf(quotient.Unauthorized, "send an API token in the Authorization header: Bearer <token>")
	}
	if !ok || !strings.EqualFold(scheme, "bearer") || strings.TrimSpace(token) == "" {
		c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="quotient", error="invalid_request"`)
		return quotient.Errorf(quotient.Unauthorized, "the Authorization header must be: Bearer <token>")
	}
	ctx := c.UserContext()
	var actor quotient.Actor
	var tok crm.Token
	err := s.db.Read(ctx, func(tx Tx) error {
		var err error
		actor, tok, err = s.crm.Authenticate(ctx, tx, strings.TrimSpace(token))
		return err
	})
	if err != nil {
		if quotient.ErrorCode(err) == quotient.Unauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="quotient", error="invalid_token"`)
		}
		return err
	}
	// Record the token's use (at most hourly); a failure here must not
	// fail the request it authenticates.
	if s.crm.TokenUseDue(tok) {
		if err := s.db.InTx(ctx, func(tx Tx) error { return s.crm.NoteTokenUse(ctx, tx, tok) }); err != nil {
			s.log.Warn("record token use", "request_id", requestID(c), "error", err)
		}
	}
	c.SetUserContext(quotient.WithActor(ctx, actor))
	return c.Next()
}

func actorOf(ctx context.Context) quotient.Actor {
	a, _ := quotient.ActorFrom(ctx)
	return a
}
