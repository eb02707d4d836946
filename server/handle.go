package server

import (
	"context"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
)

// The shapes every handler takes: decode, call one use case of the
// application layer, encode.

// send writes a JSON body; a versioned resource gets an ETag, and a GET
// whose If-None-Match already has it gets 304.
func send(c *fiber.Ctx, status int, version int, body any) error {
	tag := ""
	if version > 0 {
		tag = etag(version)
	}
	return sendTagged(c, status, tag, body)
}

// sendTagged is send with an ETag of any form ("" for none).
func sendTagged(c *fiber.Ctx, status int, tag string, body any) error {
	if tag != "" {
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

// decodeWith decodes the body into a request and converts it.
func decodeWith[R any, T any](c *fiber.Ctx, conv func(R) (T, error)) (T, error) {
	var req R
	if err := decode(c, &req); err != nil {
		var zero T
		return zero, err
	}
	return conv(req)
}

// view describes how a resource is shown: its version (for the ETag) and
// its JSON form.
type view[T, J any] struct {
	version func(T) int
	json    func(T) J
	// tag, when set, is the ETag instead of "v<version>" (a quote's names
	// its version and the revision of that version).
	tag func(T) string
}

// etagOf is x's ETag ("" for none).
func (v view[T, J]) etagOf(x T) string {
	if v.tag != nil {
		return v.tag(x)
	}
	if n := v.version(x); n > 0 {
		return etag(n)
	}
	return ""
}

// getOne answers GET of one resource.
func getOne[T, J any](v view[T, J], fn func(context.Context, *fiber.Ctx) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		x, err := fn(c.UserContext(), c)
		if err != nil {
			return err
		}
		return sendTagged(c, fiber.StatusOK, v.etagOf(x), v.json(x))
	}
}

// response is what a write answers.
type response struct {
	status   int
	version  int    // > 0: sent as ETag
	tag      string // sent as ETag instead of version when set
	location string // sent as Location
	body     any    // nil: no body
	raw      []byte
}

func (r *response) headers() map[string]string {
	h := map[string]string{}
	if r.tag != "" {
		h[fiber.HeaderETag] = r.tag
	} else if r.version > 0 {
		h[fiber.HeaderETag] = etag(r.version)
	}
	if r.location != "" {
		h[fiber.HeaderLocation] = r.location
	}
	return h
}

// marshal renders the body.
func (r *response) marshal() error {
	if r.body == nil {
		return nil
	}
	var err error
	r.raw, err = jsonMarshal(r.body)
	return err
}

func (r *response) write(c *fiber.Ctx) error {
	for k, v := range r.headers() {
		c.Set(k, v)
	}
	if r.raw == nil {
		return c.SendStatus(r.status)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Status(r.status).Send(r.raw)
}

// commit runs a change and answers with render of its result. When the
// request carries a claimed Idempotency-Key, the response is rendered and
// stored inside the change's own transaction (a quotient.Receipt), so the
// effect and its record commit or roll back together.
func commit[T any](c *fiber.Ctx, fn func(context.Context) (T, error), render func(T) response) error {
	st, _ := c.Locals("idem").(*idemState)
	ctx := c.UserContext()
	var res response
	kept := false
	if st != nil {
		ctx = quotient.WithReceipt(ctx, func(x any) (quotient.IdempotencyRecord, error) {
			v, ok := x.(T)
			if !ok {
				return quotient.IdempotencyRecord{}, fmt.Errorf("server: the change returned %T, not %T", x, v)
			}
			res = render(v)
			if err := res.marshal(); err != nil {
				return quotient.IdempotencyRecord{}, err
			}
			kept = true
			ct := ""
			if res.raw != nil {
				ct = fiber.MIMEApplicationJSONCharsetUTF8
			}
			return st.record(res.status, ct, res.headers(), res.raw), nil
		})
	}
	x, err := fn(ctx)
	if err != nil {
		return err
	}
	if kept {
		st.stored = true
	} else {
		res = render(x)
		if err := res.marshal(); err != nil {
			return err
		}
	}
	return res.write(c)
}

// createOne answers a POST that makes a resource: 201, Location and ETag.
func createOne[R, In, T, J any](v view[T, J], conv func(R) (In, error), location func(T) string,
	fn func(context.Context, *fiber.Ctx, In) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, conv)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (T, error) { return fn(ctx, c, in) },
			func(x T) response {
				return response{status: fiber.StatusCreated, tag: v.etagOf(x), location: location(x), body: v.json(x)}
			})
	}
}

// patchOne answers a PATCH, passing on the version If-Match names.
func patchOne[R, P, T, J any](v view[T, J], conv func(R) (P, error), fn func(context.Context, *fiber.Ctx, int, P) (T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		version, err := ifMatch(c)
		if err != nil {
			return err
		}
		p, err := decodeWith(c, conv)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (T, error) { return fn(ctx, c, version, p) },
			func(x T) response { return response{status: fiber.StatusOK, tag: v.etagOf(x), body: v.json(x)} })
	}
}

// deleteOne answers a DELETE with 204.
func deleteOne(fn func(context.Context, *fiber.Ctx) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (struct{}, error) { return struct{}{}, fn(ctx, c) },
			func(struct{}) response { return response{status: fiber.StatusNoContent} })
	}
}

// listOf answers a list: it parses limit, cursor and the allowed filters,
// asks fn for one row more than the page to learn whether more exist, and
// writes the page envelope.
func listOf[T, J any](id func(T) string, conv func(T) J, filters []string,
	fn func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]T, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q, f, err := parseList(c, filters...)
		if err != nil {
			return err
		}
		rows, err := fn(c.UserContext(), c, quotient.Page{Limit: q.Limit + 1, After: q.After}, f)
		if err != nil {
			return err
		}
		return send(c, fiber.StatusOK, 0, pageOf(rows, q.Limit, id, conv))
	}
}
