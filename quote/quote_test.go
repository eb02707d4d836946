package quote

import (
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/pricing"
)

func TestNotWorse(t *testing.T) {
	base := map[string]string{"discount_pct": "12", "max_line_discount_pct": "15", "margin_pct": "30", "total": "1000"}
	cases := []struct {
		now  map[string]string
		want bool
	}{
		{map[string]string{"discount_pct": "12", "max_line_discount_pct": "15", "margin_pct": "30", "total": "900"}, true},
		{map[string]string{"discount_pct": "11", "max_line_discount_pct": "14", "margin_pct": "31", "total": "2000"}, true},
		{map[string]string{"discount_pct": "12.01", "max_line_discount_pct": "15", "margin_pct": "30", "total": "1000"}, false},
		{map[string]string{"discount_pct": "12", "max_line_discount_pct": "16", "margin_pct": "30", "total": "1000"}, false},
		{map[string]string{"discount_pct": "12", "max_line_discount_pct": "15", "margin_pct": "29.9", "total": "1000"}, false},
		{map[string]string{}, false},
	}
	for i, c := range cases {
		if got := notWorse(base, c.now); got != c.want {
			t.Errorf("case %d: got %v, want %v", i, got, c.want)
		}
	}
}

func TestCanDecide(t *testing.T) {
	rep, mgr, other := "u-rep", "u-mgr", "u-other"
	cases := []struct {
		who  quotient.Actor
		req  Request
		want bool
	}{
		{quotient.Actor{UserID: rep, Role: quotient.RoleAdmin}, Request{ApproverKind: "role", ApproverRole: "finance"}, false}, // own quote, even as admin
		{quotient.Actor{UserID: other, Role: quotient.RoleAdmin}, Request{ApproverKind: "role", ApproverRole: "finance"}, true},
		{quotient.Actor{UserID: other, Role: quotient.RoleFinance}, Request{ApproverKind: "role", ApproverRole: "finance"}, true},
		{quotient.Actor{UserID: other, Role: quotient.RoleSalesManager}, Request{ApproverKind: "role", ApproverRole: "finance"}, false},
		{quotient.Actor{UserID: other, Role: quotient.RoleSalesRep}, Request{ApproverKind: "user", ApproverID: other}, true},
		{quotient.Actor{UserID: mgr, Role: quotient.RoleSalesManager}, Request{ApproverKind: "manager"}, true},
		{quotient.Actor{UserID: other, Role: quotient.RoleSalesManager}, Request{ApproverKind: "manager"}, false},
	}
	for i, c := range cases {
		if got := canDecide(c.who, c.req, rep, mgr); got != c.want {
			t.Errorf("case %d: got %v, want %v", i, got, c.want)
		}
	}
}

func line(n int, product string, qty, net string, steps ...pricing.Step) pricing.Line {
	return pricing.Line{Number: n, ProductID: product, SKU: "SKU-" + product, Quantity: decimal.RequireFromString(qty),
		NetAmount: decimal.RequireFromString(net), Trace: steps}
}

func TestCompare(t *testing.T) {
	rule := func(name string, v int, after string) pricing.Step {
		return pricing.Step{Step: "rule", Ref: &pricing.Ref{ID: name, Name: name, Version: v}, Priced: true, After: decimal.RequireFromString(after)}
	}
	from := Version{Version: 1, ValidUntil: quotient.NewDate(2026, 12, 1), Priced: &pricing.Result{Total: decimal.NewFromInt(300), Lines: []pricing.Line{
		line(1, "a", "1", "100", rule("promo", 1, "90")), line(2, "b", "2", "200"), line(3, "c", "1", "0")}}}
	to := Version{Version: 2, ValidUntil: quotient.NewDate(2026, 12, 31), Priced: &pricing.Result{Total: decimal.NewFromInt(330), Lines: []pricing.Line{
		line(1, "a", "1", "100", rule("promo", 2, "85")), line(2, "b", "3", "300"), line(3, "d", "1", "30")}}}
	d := Compare(from, to)
	if len(d.Added) != 1 || d.Added[0].ProductID != "d" || len(d.Removed) != 1 || d.Removed[0].ProductID != "c" {
		t.Fatalf("added %+v removed %+v", d.Added, d.Removed)
	}
	if len(d.Changed) != 2 {
		t.Fatalf("changed: %+v", d.Changed)
	}
	a := d.Changed[0]
	if a.ProductID != "a" || len(a.StepsAdded) != 1 || a.StepsAdded[0] != "rule promo v2: 85" || a.StepsRemoved[0] != "rule promo v1: 90" {
		t.Fatalf("line a: %+v", a)
	}
	b := d.Changed[1]
	if b.ProductID != "b" || len(b.Fields) != 2 || b.Fields[0].Field != "quantity" || b.Fields[0].Before != "2" || b.Fields[0].After != "3" {
		t.Fatalf("line b: %+v", b)
	}
	hdr := map[string]bool{}
	for _, h := range d.Header {
		hdr[h.Field] = true
	}
	if !hdr["valid_until"] || !hdr["total"] || hdr["terms"] {
		t.Fatalf("header: %+v", d.Header)
	}
}
