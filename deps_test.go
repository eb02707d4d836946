package quotient_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/quotient-cpq/quotient"

// allowed lists, per package, the module's packages it may import (from
// DESIGN.md's table). A package not listed may import only the root.
var allowed = map[string][]string{
	"":                {},
	"rules":           {""},
	"catalog":         {"", "rules"},
	"crm":             {""},
	"pricing":         {"", "rules", "catalog", "crm"},
	"quote":           {"", "rules", "crm", "catalog", "pricing", "outbox"},
	"inventory":       {"", "catalog"},
	"order":           {"", "catalog", "quote", "inventory"},
	"ledger":          {""},
	"billing":         {"", "crm", "order", "ledger", "outbox"},
	"commission":      {"", "rules", "crm", "billing", "ledger"},
	"outbox":          {""},
	"app":             {"", "rules", "crm", "catalog", "pricing", "quote", "inventory", "order", "ledger", "billing", "commission", "outbox", "document"},
	"worker":          {"", "app", "outbox", "mail"},
	"store":           {"", "rules", "crm", "catalog", "pricing", "quote", "inventory", "order", "ledger", "billing", "commission", "outbox"},
	"store/storetest": {},
	"document":        {""},
	"mail":            {},
	"server":          {"", "rules", "crm", "catalog", "pricing", "quote", "document", "inventory", "order", "ledger", "billing", "commission", "outbox", "app"},
	"cmd/quotient":    {"*"},
}

// forbiddenInDomain are packages no domain package may use (prefixes; a
// trailing $ means that exact package).
var forbiddenInDomain = []string{"github.com/gofiber/", "github.com/jmoiron/sqlx", "github.com/lib/pq", "modernc.org/sqlite", "database/sql$"}

var domain = map[string]bool{"": true, "crm": true, "catalog": true, "rules": true, "ledger": true, "billing": true, "commission": true, "o2c": true}

// TestPackageDependencies keeps the arrows of DESIGN.md pointing one way.
func TestPackageDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for dec.More() {
		var p struct {
			ImportPath string
			Imports    []string
			Deps       []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		seen++
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rules, ok := allowed[name]
		if !ok {
			t.Errorf("package %q has no dependency rule; add it to deps_test.go and DESIGN.md's table", name)
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if !contains(rules, "*") && !contains(rules, target) {
				t.Errorf("%s imports %s, which DESIGN.md does not allow", p.ImportPath, imp)
			}
		}
		if domain[name] {
			for _, dep := range p.Deps {
				for _, bad := range forbiddenInDomain {
					if exact, ok := strings.CutSuffix(bad, "$"); (ok && dep == exact) || (!ok && strings.HasPrefix(dep, bad)) {
						t.Errorf("domain package %q depends on %s", p.ImportPath, dep)
					}
				}
			}
		}
	}
	if seen < 6 {
		t.Fatalf("go list saw only %d packages", seen)
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
