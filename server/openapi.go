package server

import (
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// openAPI serves the OpenAPI 3.1 document built from the route table, so
// a route cannot exist undocumented.
func (s *Server) openAPI(c *fiber.Ctx) error {
	s.specOnce.Do(func() { s.spec, s.specErr = jsonMarshal(s.OpenAPI()) })
	if s.specErr != nil {
		return s.specErr
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(s.spec)
}

type specCache struct {
	specOnce sync.Once
	spec     []byte
	specErr  error
}

// OpenAPI returns the OpenAPI 3.1 document as a JSON-ready map.
func (s *Server) OpenAPI() map[string]any {
	schemas := map[string]any{}
	paths := map[string]map[string]any{}
	problem := map[string]any{"$ref": "#/components/schemas/Problem"}
	schemaOf(reflect.TypeOf(Problem{}), schemas)
	for _, r := range s.routes {
		op := map[string]any{
			"summary":     r.summary,
			"tags":        []string{r.tag},
			"operationId": strings.ToLower(r.method) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(r.path),
		}
		var params []any
		for _, seg := range strings.Split(r.path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true,
					"schema": map[string]any{"type": "string"}})
			}
		}
		if r.list {
			params = append(params,
				map[string]any{"name": "limit", "in": "query", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": 50}},
				map[string]any{"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": map[string]any{"type": "string"}})
		}
		for _, q := range r.query {
			params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}})
		}
		if r.method == "PATCH" || (r.method == "DELETE" && r.resp != nil) {
			params = append(params, map[string]any{"name": "If-Match", "in": "header",
				"description": "the ETag you read; a stale one is 412", "schema": map[string]any{"type": "string"}})
		}
		if r.method == "POST" {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
				"description": "a retry with the same key and body returns the first response", "schema": map[string]any{"type": "string", "maxLength": 255}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if r.req != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(r.req), schemas)}}}
		}
		responses := map[string]any{}
		ok := map[string]any{"description": "success"}
		switch {
		case r.raw != "":
			ok["content"] = map[string]any{r.raw: map[string]any{"schema": map[string]any{"type": "string"}}}
		case r.resp != nil:
			sch := schemaOf(reflect.TypeOf(r.resp), schemas)
			if r.list {
				sch = map[string]any{"type": "object", "required": []string{"data"}, "properties": map[string]any{
					"data":        map[string]any{"type": "array", "items": sch},
					"next_cursor": map[string]any{"type": "string", "description": "absent on the last page"}}}
			}
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": sch}}
		}
		responses[itoa(r.status)] = ok
		errs := map[string]string{"400": "malformed request", "422": "validation failed", "500": "internal error"}
		if !r.public {
			errs["401"] = "no or bad credentials"
			errs["403"] = "role not allowed"
		}
		if strings.Contains(r.path, "{") {
			errs["404"] = "not found"
		}
		if r.method == "PATCH" {
			errs["412"] = "stale If-Match"
		}
		if r.method != "GET" {
			errs["409"] = "state conflict"
			errs["413"] = "body over 1 MiB"
		}
		for code, d := range errs {
			responses[code] = map[string]any{"description": d, "content": map[string]any{"application/problem+json": map[string]any{"schema": problem}}}
		}
		op["responses"] = responses
		if !r.public {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
		} else {
			op["security"] = []any{}
		}
		if paths[r.path] == nil {
			paths[r.path] = map[string]any{}
		}
		paths[r.path][strings.ToLower(r.method)] = op
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Quotient API", "version": "1",
			"description": "CPQ and order-to-cash. Money, quantities and percentages are decimal strings; errors are RFC 9457 problem details."},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
		},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

var (
	timeType = reflect.TypeOf(time.Time{})
	decType  = reflect.TypeOf(Dec{})
)

// schemaOf returns a JSON Schema for a Go type, registering named structs
// under components/schemas and referring to them.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == decType:
		return map[string]any{"type": "string", "format": "decimal", "pattern": `^-?[0-9]+(\.[0-9]+)?$`,
			"description": "exact decimal; an exact JSON number is accepted too"}
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaOf(t.Elem(), schemas)
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int64, reflect.Int32:
		return map[string]any{"type": "integer"}
	case reflect.Slice:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case reflect.Struct:
		name := t.Name()
		if _, done := schemas[name]; !done {
			schemas[name] = map[string]any{} // marked as seen first, so a type that contains itself ends here
			props := map[string]any{}
			var required []string
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				if f.Anonymous && f.Tag.Get("json") == "" && f.Type.Kind() == reflect.Struct {
					// An embedded struct's fields are the outer object's (as
					// encoding/json writes them).
					schemaOf(f.Type, schemas)
					if inner, ok := schemas[f.Type.Name()].(map[string]any); ok {
						for k, v := range inner["properties"].(map[string]any) {
							props[k] = v
						}
						if req, ok := inner["required"].([]string); ok {
							required = append(required, req...)
						}
					}
					continue
				}
				if !f.IsExported() {
					continue
				}
				tag := f.Tag.Get("json")
				jname, opts, _ := strings.Cut(tag, ",")
				if jname == "-" || jname == "" {
					continue
				}
				sch := copyMap(schemaOf(f.Type, schemas))
				if e := f.Tag.Get("enum"); e != "" {
					sch["enum"] = strings.Split(e, ",")
				}
				if v := f.Tag.Get("format"); v != "" {
					sch["format"] = v
				}
				if v := f.Tag.Get("pattern"); v != "" {
					sch["pattern"] = v
				}
				if v := f.Tag.Get("maxLength"); v != "" {
					sch["maxLength"] = atoi(v)
				}
				if f.Type.Kind() == reflect.Pointer && !strings.HasSuffix(name, "Request") {
					sch = map[string]any{"oneOf": []any{sch, map[string]any{"type": "null"}}}
				}
				props[jname] = sch
				if !strings.HasSuffix(name, "Request") && !strings.Contains(opts, "omitempty") {
					required = append(required, jname)
				}
			}
			sort.Strings(required)
			sch := map[string]any{"type": "object", "properties": props}
			if strings.HasSuffix(name, "Request") {
				sch["additionalProperties"] = false
			}
			if len(required) > 0 {
				sch["required"] = required
			}
			schemas[name] = sch
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+2)
	for k, v := range m {
		out[k] = v
	}
	return out
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
