package server

import (
	"context"

	"github.com/gofiber/fiber/v2"
)

// read runs fn in a read-only transaction and returns its result.
func read[T any](s *Server, c *fiber.Ctx, fn func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	var out T
	err := s.view(c, func(ctx context.Context, tx Tx) error {
		var err error
		out, err = fn(ctx, tx)
		return err
	})
	return out, err
}

// change runs fn in a read-write transaction and returns its result.
func change[T any](s *Server, c *fiber.Ctx, fn func(ctx context.Context, tx Tx) (T, error)) (T, error) {
	var out T
	err := s.write(c, func(ctx context.Context, tx Tx) error {
		var err error
		out, err = fn(ctx, tx)
		return err
	})
	return out, err
}

// send writes a JSON body; a versioned resource gets an ETag, and a GET
// whose If-None-Match already has it gets 304.
func send(c *fiber.Ctx, status int, version int, body any) error {
	if version > 0 {
		tag := etag(version)
		c.Set(fiber.HeaderETag, tag)
		if c.Method() == fiber.MethodGet && c.Get(fiber.HeaderIfNoneMatch) == tag {
			return c.SendStatus(fiber.StatusNotModified)
		}
	}
	b, err := jsonMarshal(body)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(status).Send(b)
}

// created answers a POST that made a resource: 201, Location and ETag.
func created(c *fiber.Ctx, location string, version int, body any) error {
	c.Set(fiber.HeaderLocation, location)
	return send(c, fiber.StatusCreated, version, body)
}

// decodeWith decodes the body into a request and converts it.
func decodeWith[R any, T any](c *fiber.Ctx, conv func(R) (T, error)) (T, error) {
	var req R
	if err := decode(c, &req); err != nil {
		var zero T
		return zero, err
	}
	return conv(req)
}
