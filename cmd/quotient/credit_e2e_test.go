package main

import (
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestCreditControlHoldsOrders: an order that would take its account over
// the credit limit, or whose account has invoices overdue past the grace
// period, is made on_hold with nothing reserved and nothing invoiced, until
// finance releases it; the account summary shows the position.
func TestCreditControlHoldsOrders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		clock := &fakeClock{t: time.Now().UTC()}
		a, _ := clockedServer(t, db, clock, nil)
		tm := a.makeTeam()
		f := newStockFixture(t, a, tm)
		disk := f.product(t, a, tm, map[string]any{"sku": "DISK", "name": "Disk", "family": "hardware"}, "100")
		svc := f.product(t, a, tm, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services", "kind": "service"}, "50")
		f.receive(t, a, tm.admin, f.sfo, disk, "50")
		f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Tight Budget LLC", "currency": "USD",
			"payment_terms": "net_30"}).str(t, "id")
		a.must(200, "PATCH", "/api/v1/accounts/"+f.acc, tm.finance, map[string]any{"credit_limit": "500"})
		summary := func() map[string]any {
			return a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/summary", tm.rep, nil).json(t)
		}
		if s := summary(); s["credit_limit"] != "500.00" || s["credit_available"] != "500.00" || s["ar_balance"] != "0.00" || s["open_orders"] != 0.0 {
			t.Fatalf("summary of a new account: %v", s)
		}
		convert := func(lines ...string) map[string]any {
			return a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, lines...)+"/convert", tm.rep, nil).json(t)
		}
		o1 := convert(disk, "3")
		if o1["status"] != "open" || lineBy(t, o1, "DISK", false)["reserved_quantity"] != "3" {
			t.Fatalf("order within the limit: %v", o1)
		}
		if s := summary(); s["uninvoiced_orders"] != "300.00" || s["credit_available"] != "200.00" || s["open_orders"] != 1.0 {
			t.Fatalf("summary with an open order: %v", s)
		}
		// 300 on order + 300 more + 50 of services is over 500: held. The
		// acceptance succeeds, but nothing is reserved or invoiced.
		o2 := convert(disk, "3", svc, "1")
		id2 := o2["id"].(string)
		if o2["status"] != "on_hold" || !strings.Contains(o2["hold_reason"].(string), "credit limit") ||
			lineBy(t, o2, "DISK", false)["reserved_quantity"] != "0" {
			t.Fatalf("order over the limit: %v", o2)
		}
		if rs := a.must(200, "GET", "/api/v1/reservations?order_id="+id2, tm.rep, nil).list(t); len(rs) != 0 {
			t.Fatalf("a held order reserved: %v", rs)
		}
		if inv := a.must(200, "GET", "/api/v1/invoices?order_id="+id2, tm.finance, nil).list(t); len(inv) != 0 {
			t.Fatalf("a held order was invoiced: %v", inv)
		}
		if l := a.must(200, "GET", "/api/v1/orders?status=on_hold", tm.rep, nil).list(t); len(l) != 1 || l[0]["id"] != id2 {
			t.Fatalf("orders on hold: %v", l)
		}
		if l := a.must(200, "GET", "/api/v1/orders?status=open", tm.rep, nil).list(t); len(l) != 1 || l[0]["id"] != o1["id"] {
			t.Fatalf("open orders: %v", l)
		}
		a.must(409, "POST", "/api/v1/orders/"+id2+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
			"lines": []any{map[string]any{"order_line_id": lineBy(t, o2, "DISK", false)["id"], "quantity": "1"}}})
		a.must(409, "POST", "/api/v1/orders/"+id2+"/invoice", tm.finance, nil)
		// A receipt does not feed a held order's backorder.
		f.receive(t, a, tm.admin, f.sfo, disk, "1")
		if o := a.must(200, "GET", "/api/v1/orders/"+id2, tm.rep, nil).json(t); lineBy(t, o, "DISK", false)["reserved_quantity"] != "0" {
			t.Fatalf("a receipt reserved for a held order: %v", o)
		}
		if s := summary(); s["orders_on_hold"] != 1.0 || s["open_orders"] != 2.0 || len(s["backorders"].([]any)) != 1 ||
			s["backorders"].([]any)[0].(map[string]any)["quantity"] != "3" || s["backorders"].([]any)[0].(map[string]any)["order_number"] != o2["number"] {
			t.Fatalf("summary with a held order: %v", s)
		}
		// Finance releases it: it reserves and invoices its service now.
		a.must(403, "POST", "/api/v1/orders/"+id2+"/release", tm.rep, nil)
		r := a.must(200, "POST", "/api/v1/orders/"+id2+"/release", tm.finance, nil).json(t)
		if r["status"] != "open" || r["hold_reason"] != "" || r["released_by"] != tm.ids["Finance"] || lineBy(t, r, "DISK", false)["reserved_quantity"] != "3" {
			t.Fatalf("released order: %v", r)
		}
		if inv := a.must(200, "GET", "/api/v1/invoices?order_id="+id2, tm.finance, nil).list(t); len(inv) != 1 || inv[0]["total"] != "50.00" {
			t.Fatalf("service invoiced at release: %v", inv)
		}
		a.must(409, "POST", "/api/v1/orders/"+id2+"/release", tm.finance, nil)

		// Overdue past the grace period holds, whatever the limit.
		a.must(200, "PATCH", "/api/v1/accounts/"+f.acc, tm.finance, map[string]any{"credit_limit": "1000000"})
		clock.Advance(31 * 24 * time.Hour) // the service invoice is a day overdue: within grace
		if s := summary(); s["overdue_balance"] != "50.00" || s["ar_balance"] != "50.00" {
			t.Fatalf("summary with an overdue invoice: %v", s)
		}
		if o := convert(svc, "1"); o["status"] != "open" {
			t.Fatalf("order within the grace period: %v", o)
		}
		clock.Advance(15 * 24 * time.Hour)
		o3 := convert(svc, "1")
		if o3["status"] != "on_hold" || !strings.Contains(o3["hold_reason"].(string), "overdue by more than 15 days") {
			t.Fatalf("order past the grace period: %v", o3)
		}
		// Once paid, the next order goes through.
		a.must(201, "POST", "/api/v1/payments", tm.finance, map[string]any{"account_id": f.acc, "amount": "100.00", "method": "bank_transfer"})
		if s := summary(); s["overdue_balance"] != "0.00" || s["ar_balance"] != "0.00" || s["lifetime_revenue"] != "100.00" {
			t.Fatalf("summary after paying: %v", s)
		}
		if o := convert(svc, "1"); o["status"] != "open" {
			t.Fatalf("order after paying: %v", o)
		}
	})
}
