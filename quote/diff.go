package quote

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/pricing"
)

// FieldChange is one field's before and after.
type FieldChange struct {
	Field  string
	Before string
	After  string
}

// LineChange is a line present in both versions that changed.
type LineChange struct {
	ProductID    string
	SKU          string
	FromLine     int
	ToLine       int
	Fields       []FieldChange
	StepsAdded   []string
	StepsRemoved []string
}

// LineRef names a line of one version.
type LineRef struct {
	Line      int
	ProductID string
	SKU       string
	Quantity  string
	NetAmount string
}

// Diff is what changed between two versions of a quote.
type Diff struct {
	From, To int
	Header   []FieldChange
	Added    []LineRef
	Removed  []LineRef
	Changed  []LineChange
}

// lineKey matches lines across versions: the product and its
// configuration (a reconfigured product is a removed and an added line).
func lineKey(l pricing.Line) string {
	keys := make([]string, 0, len(l.Configuration))
	for k := range l.Configuration {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(l.ProductID)
	for _, k := range keys {
		b.WriteString("|" + k + "=" + l.Configuration[k])
	}
	return b.String()
}

// appliedSteps describes the steps that changed the price, to compare the
// pricing of two versions of a line.
func appliedSteps(l pricing.Line) []string {
	var out []string
	for _, s := range l.Trace {
		if !s.Priced || s.Step == "net_amount" || s.Step == "tax" || s.Step == "header_discount" {
			continue
		}
		name := s.Step
		if s.Ref != nil {
			name += " " + s.Ref.Name
			if s.Ref.Version > 0 {
				name += fmt.Sprintf(" v%d", s.Ref.Version)
			}
		}
		out = append(out, name+": "+s.After.String())
	}
	return out
}

func minus(a, b []string) []string {
	set := map[string]bool{}
	for _, x := range b {
		set[x] = true
	}
	var out []string
	for _, x := range a {
		if !set[x] {
			out = append(out, x)
		}
	}
	return out
}

func changed(field string, a, b decimal.Decimal, out []FieldChange) []FieldChange {
	if !a.Equal(b) {
		return append(out, FieldChange{Field: field, Before: a.String(), After: b.String()})
	}
	return out
}

// Compare lists lines added, removed and changed from one version to
// another, with field-level before and after and the pricing steps that
// changed.
func Compare(from, to Version) Diff {
	d := Diff{From: from.Version, To: to.Version}
	hdr := func(f, a, b string) {
		if a != b {
			d.Header = append(d.Header, FieldChange{Field: f, Before: a, After: b})
		}
	}
	hdr("valid_until", from.ValidUntil.String(), to.ValidUntil.String())
	hdr("terms", from.Terms, to.Terms)
	hdr("notes", from.Notes, to.Notes)
	d.Header = changed("header_discount_pct", from.HeaderDiscountPct, to.HeaderDiscountPct, d.Header)
	d.Header = changed("total", from.Priced.Total, to.Priced.Total, d.Header)
	hdr("rulebook_version", fmt.Sprint(from.Priced.RulebookVersion), fmt.Sprint(to.Priced.RulebookVersion))

	byKey := map[string][]int{}
	for i, l := range from.Priced.Lines {
		k := lineKey(l)
		byKey[k] = append(byKey[k], i)
	}
	matched := make([]bool, len(from.Priced.Lines))
	for _, l := range to.Priced.Lines {
		k := lineKey(l)
		idx := byKey[k]
		if len(idx) == 0 {
			d.Added = append(d.Added, LineRef{Line: l.Number, ProductID: l.ProductID, SKU: l.SKU, Quantity: l.Quantity.String(), NetAmount: l.NetAmount.String()})
			continue
		}
		i := idx[0]
		byKey[k] = idx[1:]
		matched[i] = true
		o := from.Priced.Lines[i]
		var fs []FieldChange
		fs = changed("quantity", o.Quantity, l.Quantity, fs)
		fs = changed("manual_discount_pct", o.ManualDiscountPct, l.ManualDiscountPct, fs)
		fs = changed("list_price", o.ListPrice, l.ListPrice, fs)
		fs = changed("unit_price", o.UnitPrice, l.UnitPrice, fs)
		fs = changed("net_amount", o.NetAmount, l.NetAmount, fs)
		fs = changed("tax_amount", o.TaxAmount, l.TaxAmount, fs)
		added, removed := minus(appliedSteps(l), appliedSteps(o)), minus(appliedSteps(o), appliedSteps(l))
		if len(fs) > 0 || len(added) > 0 || len(removed) > 0 || o.Number != l.Number {
			d.Changed = append(d.Changed, LineChange{ProductID: l.ProductID, SKU: l.SKU, FromLine: o.Number, ToLine: l.Number,
				Fields: fs, StepsAdded: added, StepsRemoved: removed})
		}
	}
	for i, o := range from.Priced.Lines {
		if !matched[i] {
			d.Removed = append(d.Removed, LineRef{Line: o.Number, ProductID: o.ProductID, SKU: o.SKU, Quantity: o.Quantity.String(), NetAmount: o.NetAmount.String()})
		}
	}
	return d
}

// Diff compares two versions of a quote.
func (s *Service) Diff(ctx context.Context, st Store, id string, from, to int) (Diff, error) {
	q, err := s.Readable(ctx, st, id)
	if err != nil {
		return Diff{}, err
	}
	p := quotient.Problems{Code: quotient.Invalid}
	if from < 1 || from > q.CurrentVersion {
		p.Add("from", "must be a version from 1 to %d", q.CurrentVersion)
	}
	if to < 1 || to > q.CurrentVersion {
		p.Add("to", "must be a version from 1 to %d", q.CurrentVersion)
	}
	if err := p.Err(); err != nil {
		return Diff{}, err
	}
	a, err := st.GetVersion(ctx, id, from)
	if err != nil {
		return Diff{}, err
	}
	b, err := st.GetVersion(ctx, id, to)
	if err != nil {
		return Diff{}, err
	}
	return Compare(a, b), nil
}
