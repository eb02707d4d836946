package server

import (
	"encoding/json"
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
