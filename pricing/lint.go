package pricing

import (
	"context"
	"fmt"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// Finding is one problem the rulebook lint found.
type Finding struct {
	Kind    string // never_matches, expired, conflict, rule_error
	RuleIDs []string
	Message string
}

// Check lints the rulebook against the current catalog: rules that can
// never match (their conditions test families, SKUs or products that do
// not exist, or a constant false, or their validity has ended) and pairs
// of non-stackable rules at one priority that could both match a product.
func (s *Service) Check(ctx context.Context, st Store) ([]Finding, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	rb, err := s.Rulebook(ctx, st)
	if err != nil {
		return nil, err
	}
	var products []catalog.Product
	f := catalog.ProductFilter{Page: quotient.Page{Limit: 500}}
	for range 10000 {
		page, err := st.ListProducts(ctx, f)
		if err != nil {
			return nil, err
		}
		products = append(products, page...)
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	today := quotient.DateOf(s.now())
	var out []Finding
	matches := map[*compiledRule][]string{}
	for _, r := range rb.rules {
		if !r.ValidTo.IsZero() && r.ValidTo.Before(today) {
			out = append(out, Finding{Kind: "expired", RuleIDs: []string{r.ID}, Message: fmt.Sprintf("rule %q ended on %s and can never match again", r.Name, r.ValidTo)})
			continue
		}
		if r.fastCond != nil && isConstFalse(r) {
			out = append(out, Finding{Kind: "never_matches", RuleIDs: []string{r.ID}, Message: fmt.Sprintf("the condition of %q is always false", r.Name)})
			continue
		}
		for _, p := range products {
			if p.Active && (r.families == nil || r.families[p.Family]) && (r.skus == nil || r.skus[p.SKU]) && (r.productIDs == nil || r.productIDs[p.ID]) {
				matches[r] = append(matches[r], p.ID)
			}
		}
		if len(matches[r]) == 0 {
			out = append(out, Finding{Kind: "never_matches", RuleIDs: []string{r.ID},
				Message: fmt.Sprintf("no active product has the family, SKU or id the condition of %q tests", r.Name)})
		}
	}
	for i, a := range rb.rules {
		for _, b := range rb.rules[i+1:] {
			if a.Stackable || b.Stackable || a.Priority != b.Priority || len(matches[a]) == 0 || len(matches[b]) == 0 {
				continue
			}
			if a.segments != nil && b.segments != nil && len(intersect(a.segments, b.segments)) == 0 {
				continue
			}
			if shared := overlap(matches[a], matches[b]); shared > 0 {
				out = append(out, Finding{Kind: "conflict", RuleIDs: []string{a.ID, b.ID},
					Message: fmt.Sprintf("non-stackable rules %q and %q have priority %d and could both match %d product(s); a line where both match cannot be submitted",
						a.Name, b.Name, a.Priority, shared)})
			}
		}
	}
	return out, nil
}

func isConstFalse(r *compiledRule) bool {
	return len(r.cond.Paths()) == 0 && !r.fastCond(&LineEnv{})
}

func overlap(a, b []string) int {
	set := make(map[string]bool, len(a))
	for _, x := range a {
		set[x] = true
	}
	n := 0
	for _, x := range b {
		if set[x] {
			n++
		}
	}
	return n
}
