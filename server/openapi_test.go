package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
)

// TestOpenAPIMatchesRoutes fails when a route is missing from the OpenAPI
// document or the document names a path no route serves.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s := New(Config{})
	spec := s.OpenAPI()
	raw, err := json.Marshal(spec)
	if err != nil {
		t.Fatalf("the document does not marshal: %v", err)
	}
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil || doc.OpenAPI != "3.1.0" {
		t.Fatalf("document: %v %q", err, doc.OpenAPI)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	served := map[string]bool{}
	for _, r := range s.App().GetRoutes(true) {
		if r.Method == "HEAD" {
			continue
		}
		p := r.Path
		parts := strings.Split(p, "/")
		for i, seg := range parts {
			if strings.HasPrefix(seg, ":") {
				parts[i] = "{" + seg[1:] + "}"
			}
		}
		served[r.Method+" "+strings.Join(parts, "/")] = true
	}
	var missing, extra []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes missing from openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json documents paths with no route: %v", extra)
	}
	if len(served) < 40 {
		t.Errorf("only %d routes served; the route table looks truncated", len(served))
	}
	// Embedded structs are flattened, as encoding/json writes them.
	sent := spec["components"].(map[string]any)["schemas"].(map[string]any)["SentQuoteJSON"].(map[string]any)["properties"].(map[string]any)
	for _, f := range []string{"number", "status", "lines", "total", "portal_url", "deliveries"} {
		if _, ok := sent[f]; !ok {
			t.Errorf("SentQuoteJSON schema lacks %s", f)
		}
	}
	// Every request schema forbids unknown fields, as the decoder does.
	schemas := spec["components"].(map[string]any)["schemas"].(map[string]any)
	for name, sch := range schemas {
		if strings.HasSuffix(name, "Request") && sch.(map[string]any)["additionalProperties"] != false {
			t.Errorf("schema %s allows additional properties", name)
		}
	}
}

// TestOpenAPIDocumentsEveryOperation holds the document to what the API
// reference promises: every operation has a description and lists its
// errors; required fields and query parameters are marked; the tables of
// opdocs.go name only routes, schemas and fields that exist.
func TestOpenAPIDocumentsEveryOperation(t *testing.T) {
	s := New(Config{})
	spec := s.OpenAPI()
	schemas := spec["components"].(map[string]any)["schemas"].(map[string]any)
	paths := spec["paths"].(map[string]map[string]any)
	routes := map[string]route{}
	for _, r := range s.routes {
		key := r.method + " " + r.path
		routes[key] = r
		op := paths[r.path][strings.ToLower(r.method)].(map[string]any)
		if d, _ := op["description"].(string); len(d) < 20 || d == r.summary {
			t.Errorf("%s: description %q says nothing beyond the summary", key, d)
		}
		responses := op["responses"].(map[string]any)
		want := []string{}
		if !r.public {
			want = append(want, "401")
		}
		if r.req != nil {
			want = append(want, "400", "413", "422")
		}
		if strings.Contains(r.path, "{") {
			want = append(want, "404")
		}
		if takesIfMatch(r) {
			want = append(want, "412")
		}
		if opDocs[key].who != "" {
			want = append(want, "403")
		}
		for _, code := range want {
			if _, ok := responses[code]; !ok {
				t.Errorf("%s does not list %s", key, code)
			}
		}
		if r.method == "GET" && r.req == nil && responses["422"] != nil {
			t.Errorf("%s lists 422, which a read without a body cannot answer", key)
		}
		params, _ := op["parameters"].([]any)
		for _, p := range params {
			p := p.(map[string]any)
			if p["in"] == "query" && p["description"] == "" {
				t.Errorf("%s: query parameter %s has no description", key, p["name"])
			}
		}
	}
	for key := range opDocs {
		if _, ok := routes[key]; !ok {
			t.Errorf("opDocs describes %s, which no route serves", key)
		}
	}
	for key, qs := range needsQuery {
		for _, q := range qs {
			if !slices.Contains(routes[key].query, q) {
				t.Errorf("needsQuery: %s has no query parameter %s", key, q)
			}
		}
	}
	props := func(name string) map[string]any {
		sch, ok := schemas[name].(map[string]any)
		if !ok {
			t.Fatalf("no schema %s", name)
		}
		return sch["properties"].(map[string]any)
	}
	for name, fields := range requiredOnCreate {
		for _, f := range fields {
			if _, ok := props(name)[f]; !ok {
				t.Errorf("requiredOnCreate: %s has no field %s", name, f)
			}
		}
	}
	for key := range fieldDocs {
		name, field, _ := strings.Cut(key, ".")
		if _, ok := props(name)[field]; !ok {
			t.Errorf("fieldDocs: %s has no field %s", name, field)
		}
	}
	// Creating needs the fields; a change names only what changes.
	if got := schemas["OpportunityRequest"].(map[string]any)["required"]; !slices.Equal(got.([]string), []string{"account_id", "close_date", "name"}) {
		t.Errorf("OpportunityRequest requires %v", got)
	}
	patch := paths["/api/v1/opportunities/{id}"]["patch"].(map[string]any)["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if patch["$ref"] != "#/components/schemas/OpportunityPatch" || schemas["OpportunityPatch"].(map[string]any)["required"] != nil {
		t.Errorf("PATCH /opportunities/{id} takes %v, want OpportunityPatch with nothing required", patch)
	}
	var needed bool
	for _, p := range paths["/api/v1/reports/customer-statement"]["get"].(map[string]any)["parameters"].([]any) {
		if p := p.(map[string]any); p["name"] == "account_id" {
			needed = p["required"] == true
		}
	}
	if !needed {
		t.Error("the statement's account_id parameter is not marked required")
	}
	ok := paths["/api/v1/reports/trial-balance"]["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)
	oneOf := ok["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)["oneOf"]
	if fmt.Sprint(oneOf) != "[map[$ref:#/components/schemas/TrialBalanceJSON] map[$ref:#/components/schemas/TrialBalanceReportJSON]]" {
		t.Errorf("the trial balance answers %v", oneOf)
	}
}

// TestAPIReferencePage serves the reference page with a policy that keeps
// it on this server, and the embedded Redoc script.
func TestAPIReferencePage(t *testing.T) {
	s := New(Config{})
	res, err := s.App().Test(httptest.NewRequest("GET", "/api/docs", nil))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(body), `spec-url="/api/v1/openapi.json"`) || !strings.Contains(string(body), `src="/api/docs/redoc.standalone.js"`) {
		t.Errorf("page: %d %s", res.StatusCode, body)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "img-src 'self' data:") || strings.Contains(csp, "http") {
		t.Errorf("policy %q lets the page reach other sites", csp)
	}
	res, err = s.App().Test(httptest.NewRequest("GET", "/api/docs/redoc.standalone.js", nil))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || len(js) != len(redocJS) || !strings.Contains(string(js), `"2.5.2"`) || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Errorf("script: %d, %d bytes, %s", res.StatusCode, len(js), res.Header.Get("Content-Type"))
	}
}
