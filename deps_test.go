package quotient_test

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/quotient-cpq/quotient"

// allowed lists, per package, the module's packages it may import: the
// package map of docs/architecture.md. "*" allows every one.
var allowed = map[string][]string{
	"":                {},
	"rules":           {""},
	"catalog":         {"", "rules"},
	"crm":             {"", "i18n"},
	"i18n":            {""},
	"pricing":         {"", "rules", "catalog", "crm"},
	"outbox":          {""},
	"quote":           {"", "rules", "crm", "catalog", "pricing", "outbox", "i18n"},
	"inventory":       {"", "catalog"},
	"order":           {"", "catalog", "quote", "inventory"},
	"ledger":          {""},
	"billing":         {"", "crm", "order", "inventory", "ledger", "outbox"},
	"commission":      {"", "rules", "crm", "billing", "ledger"},
	"revenue":         {"", "crm", "order", "inventory", "ledger", "outbox", "billing"},
	"contract":        {"", "rules", "crm", "catalog", "pricing", "quote", "inventory", "order", "ledger", "billing", "outbox", "i18n"},
	"document":        {"", "i18n"},
	"mail":            {},
	"app":             {"", "i18n", "rules", "crm", "catalog", "pricing", "quote", "inventory", "order", "ledger", "billing", "commission", "outbox", "document", "revenue", "contract"},
	"worker":          {"", "app", "outbox", "mail"},
	"store":           {"", "rules", "crm", "catalog", "pricing", "quote", "inventory", "order", "ledger", "billing", "commission", "outbox", "revenue", "contract"},
	"store/storetest": {},
	"app/appdb":       {"app", "store"},
	"app/apptest":     {"*"},
	"web":             {"", "i18n", "catalog", "pricing", "crm", "quote", "order", "ledger", "billing", "commission", "document", "app", "revenue", "contract"},
	"server":          {"", "rules", "crm", "catalog", "pricing", "quote", "document", "inventory", "order", "ledger", "billing", "commission", "outbox", "app", "revenue", "contract"},
	"cmd/quotient":    {"*"},
}

// infrastructure are the packages that talk to a database or speak HTTP:
// storage and the doors. Every other package in allowed (the domain, the
// application layer, the workers, documents, mail) must not depend on a
// database driver, sqlx or fiber, so a package is held to that the moment
// it is given a row.
var infrastructure = map[string]bool{"store": true, "store/storetest": true, "app/appdb": true, "app/apptest": true, "server": true, "web": true, "cmd/quotient": true}

// forbidden are what a package outside infrastructure may not depend on,
// directly or not (prefixes; a trailing $ means that exact package).
var forbidden = []string{"github.com/gofiber/", "github.com/valyala/fasthttp", "github.com/jmoiron/sqlx", "github.com/lib/pq", "modernc.org/sqlite",
	"database/sql$"}

// pkg is what go list says of a package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// violations checks packages against the rules: every package has a row,
// imports only the module's packages its row allows, and, outside
// infrastructure, depends on nothing forbidden.
func violations(pkgs []pkg) []string {
	var out []string
	for _, p := range pkgs {
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rule, ok := allowed[name]
		if !ok {
			out = append(out, fmt.Sprintf("package %q has no dependency rule; give it a row in deps_test.go and docs/architecture.md", name))
			continue
		}
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if !slices.Contains(rule, "*") && !slices.Contains(rule, target) {
				out = append(out, fmt.Sprintf("%s imports %s, which the package map does not allow", p.ImportPath, imp))
			}
		}
		if infrastructure[name] {
			continue
		}
		for _, dep := range p.Deps {
			for _, bad := range forbidden {
				if exact, ok := strings.CutSuffix(bad, "$"); (ok && dep == exact) || (!ok && strings.HasPrefix(dep, bad)) {
					out = append(out, fmt.Sprintf("package %q depends on %s; only storage and the doors may", p.ImportPath, dep))
				}
			}
		}
	}
	return out
}

// TestPackageDependencies keeps the arrows of the package map pointing one
// way.
func TestPackageDependencies(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkg
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < len(allowed)-2 {
		t.Fatalf("go list saw only %d packages", len(pkgs))
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// TestDependencyRulesCatchBreaches shows the rules fail what they must:
// a domain package using sqlx (even through another), one importing a
// door, and a package nobody gave a row.
func TestDependencyRulesCatchBreaches(t *testing.T) {
	for _, c := range []struct {
		name string
		p    pkg
		want string
	}{
		{"sqlx in the domain", pkg{ImportPath: module + "/document", Deps: []string{"github.com/jmoiron/sqlx", "fmt"}}, "depends on github.com/jmoiron/sqlx"},
		{"sqlx through a dependency", pkg{ImportPath: module + "/order", Deps: []string{"database/sql"}}, "depends on database/sql"},
		{"fiber in the application layer", pkg{ImportPath: module + "/app", Deps: []string{"github.com/gofiber/fiber/v2"}}, "depends on github.com/gofiber"},
		{"a door from the domain", pkg{ImportPath: module + "/billing", Imports: []string{module + "/server"}}, "imports " + module + "/server"},
		{"a package without a row", pkg{ImportPath: module + "/payable"}, `"payable" has no dependency rule`},
	} {
		got := violations([]pkg{c.p})
		if len(got) != 1 || !strings.Contains(got[0], c.want) {
			t.Errorf("%s: violations %q, want one saying %q", c.name, got, c.want)
		}
	}
	if got := violations([]pkg{{ImportPath: module + "/store", Deps: []string{"github.com/jmoiron/sqlx"}}}); len(got) != 0 {
		t.Errorf("storage may use sqlx: %q", got)
	}
}
