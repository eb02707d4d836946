package server

import (
	"reflect"
	"slices"
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
	schemaOf(reflect.TypeOf(Problem{}), schemas)
	for _, r := range s.routes {
		key := r.method + " " + r.path
		d := opDocs[key]
		op := map[string]any{
			"summary":     r.summary,
			"description": describe(d),
			"tags":        []string{r.tag},
			"operationId": strings.ToLower(r.method) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "", "-", "_", ".", "_").Replace(r.path),
		}
		if params := parameters(r, d); len(params) > 0 {
			op["parameters"] = params
		}
		if r.req != nil {
			sch := schemaOf(reflect.TypeOf(r.req), schemas)
			if r.method == "PATCH" {
				sch = patchSchema(reflect.TypeOf(r.req).Name(), schemas)
			}
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": sch}}}
		}
		responses := map[string]any{}
		ok := map[string]any{"description": "success"}
		switch {
		case r.raw != "":
			ok["content"] = map[string]any{r.raw: map[string]any{"schema": map[string]any{"type": "string"}}}
		case r.resp != nil:
			sch := schemaOf(reflect.TypeOf(r.resp), schemas)
			if r.alt != nil {
				sch = map[string]any{"oneOf": []any{sch, schemaOf(reflect.TypeOf(r.alt), schemas)}}
			}
			if r.list {
				sch = map[string]any{"type": "object", "required": []string{"data"}, "properties": map[string]any{
					"data":        map[string]any{"type": "array", "items": sch},
					"next_cursor": map[string]any{"type": "string", "description": "absent on the last page"}}}
			}
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": sch}}
		}
		responses[itoa(r.status)] = ok
		for code, when := range errorsOf(r, d) {
			responses[code] = map[string]any{"description": when, "content": map[string]any{
				"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
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
			"description": "CPQ and order-to-cash: accounts and opportunities, the catalog and its prices, quotes and their approvals, " +
				"the customer portal, orders and stock, invoices, payments and the ledger, commissions and reports.\n\n" +
				"Money, quantities and percentages are decimal strings; dates are YYYY-MM-DD. Errors are RFC 9457 problem details " +
				"whose `errors` name every field at fault. A POST with an `Idempotency-Key` runs once; a PATCH with a stale `If-Match` is 412."},
		"servers": []any{map[string]any{"url": "/"}},
		"tags":    tags,
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "an API token: Authorization: Bearer qtk_..."}},
		},
	}
}

// tags orders the reference page's sections and says what each holds.
var tags = []any{
	map[string]any{"name": "users", "description": "People who sign in, their roles and API tokens, a rep's performance"},
	map[string]any{"name": "accounts", "description": "Customers, their terms and the account 360"},
	map[string]any{"name": "contacts", "description": "People at a customer"},
	map[string]any{"name": "opportunities", "description": "Potential sales"},
	map[string]any{"name": "cases", "description": "Customers' support cases"},
	map[string]any{"name": "products", "description": "Products, bundles, attributes and configuration rules"},
	map[string]any{"name": "price-books", "description": "Price books and their entries"},
	map[string]any{"name": "pricing", "description": "Volume schedules, price rules, tax rates and the price waterfall"},
	map[string]any{"name": "quotes", "description": "Quotes, versions, approvals and sending"},
	map[string]any{"name": "portal", "description": "The customer's page for a sent quote (signed links, no token)"},
	map[string]any{"name": "inventory", "description": "Warehouses, stock and its movements"},
	map[string]any{"name": "orders", "description": "Sales orders, reservations and shipments"},
	map[string]any{"name": "billing", "description": "Invoices, payments, credit notes and dunning"},
	map[string]any{"name": "ledger", "description": "The chart of accounts, journal entries and periods"},
	map[string]any{"name": "commissions", "description": "Plans, splits, commission lines and statements"},
	map[string]any{"name": "reports", "description": "AR aging, statements, reconciliation, trial balance, KPIs"},
	map[string]any{"name": "system", "description": "Health, metrics, invariants and this reference"},
}

// describe is an operation's description: what it does and who may.
func describe(d opDoc) string {
	out := d.doc
	if d.who != "" {
		out += "\n\nWho may: " + d.who + "."
	}
	return out
}

// parameters lists an operation's path, query and header parameters.
func parameters(r route, d opDoc) []any {
	var params []any
	for _, seg := range strings.Split(r.path, "/") {
		if strings.HasPrefix(seg, "{") {
			params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
	}
	if r.list {
		params = append(params,
			map[string]any{"name": "limit", "in": "query", "description": "how many to return, 1 to 200", "schema": map[string]any{"type": "integer", "minimum": 1, "maximum": maxLimit, "default": 50}},
			map[string]any{"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": map[string]any{"type": "string"}})
	}
	for _, q := range r.query {
		params = append(params, map[string]any{"name": q, "in": "query", "required": slices.Contains(needsQuery[r.method+" "+r.path], q),
			"description": paramDocs[q], "schema": map[string]any{"type": "string"}})
	}
	if takesIfMatch(r) {
		params = append(params, map[string]any{"name": "If-Match", "in": "header",
			"description": "the ETag you read; a stale one is 412", "schema": map[string]any{"type": "string"}})
	}
	if r.method == "POST" && !r.public {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
			"description": "a retry with the same key and body returns the first response", "schema": map[string]any{"type": "string", "maxLength": 255}})
	}
	return params
}

// takesIfMatch reports whether an operation honours If-Match.
func takesIfMatch(r route) bool {
	return (r.method == "PATCH" && r.path != v1+"/settings") || (r.method == "DELETE" && r.resp != nil)
}

// errorsOf lists, by status, the errors an operation can answer and when.
func errorsOf(r route, d opDoc) map[string]string {
	errs := map[string]string{}
	var bad []string
	if r.req != nil {
		bad = append(bad, "malformed JSON, an unknown field or a value of the wrong type")
		errs["413"] = "a body over 1 MiB"
		errs["422"] = "validation failed; errors names every field at fault"
	}
	if r.list || len(r.query) > 0 {
		bad = append(bad, "a bad or unknown query parameter")
	}
	if strings.Contains(r.path, "{period}") {
		bad = append(bad, "a period that is not yyyy-mm")
	}
	if len(bad) > 0 {
		errs["400"] = strings.Join(bad, "; ")
	}
	if !r.public {
		errs["401"] = "no token, or a bad one"
	}
	if d.who != "" {
		errs["403"] = "the caller is not one of " + d.who
	}
	if strings.Contains(r.path, "{") {
		errs["404"] = "nothing has the id (or token) in the path"
	}
	if d.conflict != "" {
		errs["409"] = d.conflict
	}
	if takesIfMatch(r) {
		errs["412"] = "If-Match names a version that is no longer current"
	}
	if !strings.HasPrefix(r.path, "/api/docs") && r.path != "/healthz" && r.path != v1+"/openapi.json" && r.path != "/metrics" {
		errs["503"] = "the database is unavailable; retry after the seconds in Retry-After"
	}
	return errs
}

// patchSchema is a request schema as PATCH takes it: the same fields,
// none required, absent ones left as they are.
func patchSchema(name string, schemas map[string]any) map[string]any {
	patch := strings.TrimSuffix(name, "Request") + "Patch"
	if _, done := schemas[patch]; !done {
		sch := copyMap(schemas[name].(map[string]any))
		delete(sch, "required")
		sch["description"] = "every field is optional: absent fields stay as they are"
		schemas[patch] = sch
	}
	return map[string]any{"$ref": "#/components/schemas/" + patch}
}

func itoa(n int) string { return strconv.Itoa(n) }

var (
	timeType = reflect.TypeOf(time.Time{})
	decType  = reflect.TypeOf(Dec{})
	cfgType  = reflect.TypeOf(ConfigValue{})
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
	case t == cfgType:
		return map[string]any{"type": []string{"string", "number", "boolean"},
			"description": "an attribute's value: text, a number (as a JSON number or a decimal string, the same value either way) or true/false"}
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
				if doc := fieldDocs[name+"."+jname]; doc != "" {
					sch["description"] = doc
				}
				props[jname] = sch
				if !strings.HasSuffix(name, "Request") && !strings.Contains(opts, "omitempty") {
					required = append(required, jname)
				}
			}
			required = append(required, requiredOnCreate[name]...)
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
