package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
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
	actor, err := s.app.Authenticate(ctx, strings.TrimSpace(token))
	if err != nil {
		if quotient.ErrorCode(err) == quotient.Unauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="quotient", error="invalid_token"`)
		}
		return err
	}
	c.SetUserContext(quotient.WithActor(ctx, actor))
	return c.Next()
}

func actorOf(ctx context.Context) quotient.Actor {
	a, _ := quotient.ActorFrom(ctx)
	return a
}
