package server

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func jsonMarshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func invalid(field, format string, args ...any) error {
	return quotient.FieldErrorf(quotient.Invalid, field, format, args...)
}

// decode reads a JSON body strictly: application/json only, no unknown
// fields, no trailing data; type errors name the field.
func decode(c *fiber.Ctx, dst any) error {
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if ct != "" && !strings.HasPrefix(ct, "application/json") && !strings.Contains(ct, "+json") {
		return quotient.Errorf(quotient.Invalid, "send the body as application/json (got %s)", ct)
	}
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return quotient.Errorf(quotient.Invalid, "the request needs a JSON body")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field ") {
			if names := unknownFields(body, reflect.TypeOf(dst)); len(names) > 0 {
				return unknownFieldsError(names)
			}
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return quotient.Errorf(quotient.Invalid, "the body must hold exactly one JSON value")
	}
	return nil
}

func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return quotient.Errorf(quotient.Invalid, "malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := te.Field
		if field == "" {
			return quotient.Errorf(quotient.Invalid, "the body must be a JSON %s", jsonKind(te.Type.Kind().String()))
		}
		return invalid(field, "must be %s, not a JSON %s", jsonKind(te.Type.String()), te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return quotient.Errorf(quotient.Invalid, "malformed JSON: the body ends too early")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(name, "unknown field %q; see /api/v1/openapi.json for the fields this endpoint takes", name)
	}
	return quotient.Errorf(quotient.Invalid, "malformed JSON: %v", err)
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "*[]"):
		return "an array"
	case strings.Contains(goType, "map"), strings.Contains(goType, "struct"), strings.Contains(goType, "server."):
		return "an object"
	case strings.Contains(goType, "int"):
		return "an integer"
	}
	return "a " + goType
}

// Dec is a decimal as it arrives in JSON: a string ("12.50") or, when it
// is exact, a number (12.5). Parsing waits until validation so that the
// error can name the field.
type Dec struct {
	raw   string
	bad   string
	isSet bool
}

// UnmarshalJSON keeps the text of a string or number; anything else is
// remembered as bad and reported by Value.
func (d *Dec) UnmarshalJSON(b []byte) error {
	d.isSet = true
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			d.bad = "a string"
			return nil
		}
		d.raw = s
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		d.raw = string(b)
		if bytes.ContainsAny(b, "eE") {
			d.bad = "a number in exponent form"
		}
	case string(b) == "null":
		d.isSet = false
	case len(b) == 0:
		d.bad = "an empty value"
	default:
		kind, ok := map[byte]string{'t': "boolean", 'f': "boolean", '{': "object", '[': "array"}[b[0]]
		if !ok {
			kind = "value"
		}
		d.bad = "a JSON " + kind
	}
	return nil
}

// MarshalJSON writes the decimal as a string.
func (d Dec) MarshalJSON() ([]byte, error) { return json.Marshal(d.raw) }

// DecOf makes a Dec from text (tests and clients).
func DecOf(s string) *Dec { return &Dec{raw: s, isSet: true} }

// Value parses the decimal or records a problem naming field.
func (d *Dec) Value(p *quotient.Problems, field string) decimal.Decimal {
	if d == nil || !d.isSet {
		return decimal.Zero
	}
	if d.bad != "" {
		p.Add(field, "must be a decimal string such as \"12.50\", not %s", d.bad)
		return decimal.Zero
	}
	v, ok := quotient.ParseDecimal(d.raw)
	if !ok {
		p.Add(field, "must be a decimal string such as \"12.50\" (got %q)", d.raw)
		return decimal.Zero
	}
	return v
}

// Ptr is Value for an optional decimal: nil when absent.
func (d *Dec) Ptr(p *quotient.Problems, field string) *decimal.Decimal {
	if d == nil || !d.isSet {
		return nil
	}
	v := d.Value(p, field)
	return &v
}

const maxLimit = 200

// parseList reads limit and cursor, and rejects query parameters the
// endpoint does not know, naming them.
func parseList(c *fiber.Ctx, allowed ...string) (quotient.Page, map[string]string, error) {
	q := quotient.Page{Limit: 50}
	vals := map[string]string{}
	var bad error
	c.Context().QueryArgs().VisitAll(func(k, v []byte) {
		if bad != nil {
			return
		}
		key, val := string(k), string(v)
		switch key {
		case "limit":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > maxLimit {
				bad = invalid("limit", "must be a whole number from 1 to %d (got %q)", maxLimit, val)
				return
			}
			q.Limit = n
		case "cursor":
			raw, err := base64.RawURLEncoding.DecodeString(val)
			if err != nil || len(raw) == 0 || len(raw) > 100 {
				bad = invalid("cursor", "is not a cursor this API returned; use next_cursor from the previous page")
				return
			}
			q.After = string(raw)
		default:
			for _, a := range allowed {
				if a == key {
					if len(val) > 200 {
						bad = invalid(key, "must be at most 200 characters")
						return
					}
					vals[key] = val
					return
				}
			}
			bad = invalid(key, "unknown query parameter; this list takes limit, cursor%s", joinPrefixed(allowed))
		}
	})
	return q, vals, bad
}

func joinPrefixed(xs []string) string {
	if len(xs) == 0 {
		return ""
	}
	return ", " + strings.Join(xs, ", ")
}

// listPage is the envelope of every list.
type listPage[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// pageOf trims the extra row fetched to learn whether more exist, and
// builds the envelope.
func pageOf[D any, T any](rows []D, limit int, id func(D) string, conv func(D) T) listPage[T] {
	out := listPage[T]{Data: make([]T, 0, min(len(rows), limit))}
	for i, r := range rows {
		if i == limit {
			out.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(id(rows[i-1])))
			break
		}
		out.Data = append(out.Data, conv(r))
	}
	return out
}

// etag is the strong validator of a versioned resource.
func etag(version int) string { return fmt.Sprintf(`"v%d"`, version) }

// ifMatch returns the version the client expects (0 when no If-Match), or
// a stale error when the header cannot match any version.
func ifMatch(c *fiber.Ctx) (int, error) {
	h := strings.TrimSpace(c.Get(fiber.HeaderIfMatch))
	if h == "" || h == "*" {
		return 0, nil
	}
	h = strings.TrimPrefix(h, "W/")
	if len(h) > 3 && strings.HasPrefix(h, `"v`) && strings.HasSuffix(h, `"`) {
		if n, err := strconv.Atoi(h[2 : len(h)-1]); err == nil && n > 0 {
			return n, nil
		}
	}
	return 0, quotient.Errorf(quotient.Stale, "If-Match %s does not match the current version; fetch the resource again", h)
}

// decodeOptional decodes a request body that may be empty (all its fields
// optional): an empty body is the zero value.
func decodeOptional[T any](c *fiber.Ctx) (T, error) {
	var req T
	if len(c.Body()) == 0 {
		return req, nil
	}
	return req, decode(c, &req)
}

// day reads an optional date field: absent or "" is no date; anything
// else must be YYYY-MM-DD, or p names the field.
func day(p *quotient.Problems, field string, s *string) quotient.Date {
	if s == nil {
		return quotient.Date{}
	}
	return p.Date(field, *s, quotient.Optional)
}

// dayPatch reads a date to change: absent leaves it, "" clears it.
func dayPatch(p *quotient.Problems, field string, s *string) *quotient.Date {
	if s == nil {
		return nil
	}
	d := p.Date(field, *s, quotient.Optional)
	return &d
}

// queryDays reads the date query parameters named keys, in order ("" or
// absent: no date); one that is not YYYY-MM-DD is a 400 naming it.
func queryDays(f map[string]string, keys ...string) ([]quotient.Date, error) {
	p := quotient.Problems{Code: quotient.Invalid}
	out := make([]quotient.Date, len(keys))
	for i, k := range keys {
		out[i] = p.Date(k, f[k], quotient.Optional)
	}
	return out, p.Err()
}
