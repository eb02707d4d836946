package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/outbox"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
)

// TestEveryWordHasJapanese reads the templates and the package's code for
// the catalog's ids they use ({{t "…"}}, (t "…"), .T("…")) and holds each
// to a Japanese entry, with the statuses, stages, roles and steps the
// pages show through label: a word added in English alone fails here.
func TestEveryWordHasJapanese(t *testing.T) {
	var ids []string
	inTemplate := regexp.MustCompile(`[{(]t "((?:[^"\\]|\\.)*)"`)
	inCode := regexp.MustCompile(`\bT\("((?:[^"\\]|\\.)*)"|refused\(c, p, err, "((?:[^"\\]|\\.)+)"|"(The \w+ was not added: %s)"`)
	files, _ := filepath.Glob("templates/*.html")
	gos, _ := filepath.Glob("*.go")
	for _, f := range append(files, gos...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := inCode
		if strings.HasSuffix(f, ".html") {
			re = inTemplate
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			for _, g := range m[1:] {
				if g != "" {
					ids = append(ids, strings.ReplaceAll(g, `\"`, `"`))
				}
			}
		}
	}
	if len(ids) < 250 {
		t.Fatalf("found only %d ids; the patterns no longer match the templates", len(ids))
	}
	var shown []string
	for _, s := range []quote.Status{quote.Draft, quote.PendingApproval, quote.Approved, quote.Sent, quote.Accepted, quote.Rejected, quote.Expired} {
		shown = append(shown, string(s))
	}
	for _, s := range []order.Status{order.Open, order.OnHold, order.PartiallyFulfilled, order.Fulfilled, order.Cancelled} {
		shown = append(shown, string(s))
	}
	for _, s := range []outbox.Status{outbox.Pending, outbox.Sent, outbox.Failed} {
		shown = append(shown, string(s))
	}
	for _, r := range []quotient.Role{quotient.RoleAdmin, quotient.RoleSalesRep, quotient.RoleSalesManager, quotient.RoleFinance} {
		shown = append(shown, string(r))
	}
	shown = append(shown, crm.Stages...)
	shown = append(shown, catalogFamilies...)
	shown = append(shown, "pending", "role", "user", "created", "updated", "priced", "submitted", "revised")
	shown = append(shown, billing.Posted, billing.PartiallyPaid, billing.Paid, billing.Void)
	for _, s := range shown {
		ids = append(ids, label(s))
	}
	for _, s := range stepLabels {
		ids = append(ids, s)
	}
	for _, s := range segmentWords {
		ids = append(ids, s)
	}
	for _, s := range policyWords {
		ids = append(ids, s)
	}
	ids = append(ids, partWords...)
	ids = append(ids, quote.EventFormats...)
	ids = append(ids, pricing.TraceFormats...)
	ids = append(ids, "The account was not created: %s", "The account was not saved: %s")
	for _, id := range ids {
		if !i18n.Has(id) {
			t.Errorf("no Japanese for %q", id)
		}
	}
}
