package main

import (
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// TestCreditControlHoldsOrders: an order that would take its account over
// the credit limit, or whose account has invoices overdue past the grace
// period, is made on_hold with nothing reserved and nothing invoiced, until
// finance releases it; the account summary shows the position. Steps
// decode into the API's types.
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
		f.acc = as[server.AccountJSON](t, a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Tight Budget LLC", "currency": "USD",
			"payment_terms": "net_30"})).ID
		a.must(200, "PATCH", "/api/v1/accounts/"+f.acc, tm.finance, map[string]any{"credit_limit": "500"})
		summary := func(t *testing.T, a *instance) server.AccountSummaryJSON {
			return as[server.AccountSummaryJSON](t, a.must(200, "GET", "/api/v1/accounts/"+f.acc+"/summary", tm.rep, nil))
		}
		convert := func(t *testing.T, a *instance, lines ...string) server.OrderJSON {
			return as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, lines...)+"/convert", tm.rep, nil))
		}
		var o2 server.OrderJSON
		s := scenario{t, a}

		s.step("within the limit an order goes ahead; over it, it is held with nothing reserved or invoiced", func(t *testing.T, a *instance) {
			if s := summary(t, a); str(s.CreditLimit) != "500.00" || str(s.CreditAvailable) != "500.00" || s.ARBalance != "0.00" || s.OpenOrders != 0 {
				t.Fatalf("summary of a new account: %+v", s)
			}
			o1 := convert(t, a, disk, "3")
			if o1.Status != "open" || orderLine(t, o1, "DISK", false).ReservedQuantity != "3" {
				t.Fatalf("order within the limit: %+v", o1)
			}
			if s := summary(t, a); s.Uninvoiced != "300.00" || str(s.CreditAvailable) != "200.00" || s.OpenOrders != 1 {
				t.Fatalf("summary with an open order: %+v", s)
			}
			// 300 on order + 300 more + 50 of services is over 500: held.
			// The acceptance succeeds, but nothing is reserved or invoiced.
			o2 = convert(t, a, disk, "3", svc, "1")
			if o2.Status != "on_hold" || !strings.Contains(o2.HoldReason, "credit limit") || orderLine(t, o2, "DISK", false).ReservedQuantity != "0" {
				t.Fatalf("order over the limit: %+v", o2)
			}
			if rs := page[server.ReservationJSON](t, a.must(200, "GET", "/api/v1/reservations?order_id="+o2.ID, tm.rep, nil)); len(rs) != 0 {
				t.Fatalf("a held order reserved: %+v", rs)
			}
			if inv := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o2.ID, tm.finance, nil)); len(inv) != 0 {
				t.Fatalf("a held order was invoiced: %+v", inv)
			}
			if l := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?status=on_hold", tm.rep, nil)); len(l) != 1 || l[0].ID != o2.ID {
				t.Fatalf("orders on hold: %+v", l)
			}
			if l := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?status=open", tm.rep, nil)); len(l) != 1 || l[0].ID != o1.ID {
				t.Fatalf("open orders: %+v", l)
			}
			a.must(409, "POST", "/api/v1/orders/"+o2.ID+"/fulfillments", tm.admin, map[string]any{"warehouse_id": f.sfo,
				"lines": []any{map[string]any{"order_line_id": orderLine(t, o2, "DISK", false).ID, "quantity": "1"}}})
			a.must(409, "POST", "/api/v1/orders/"+o2.ID+"/invoice", tm.finance, nil)
			// A receipt does not feed a held order's backorder.
			f.receive(t, a, tm.admin, f.sfo, disk, "1")
			if o := as[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders/"+o2.ID, tm.rep, nil)); orderLine(t, o, "DISK", false).ReservedQuantity != "0" {
				t.Fatalf("a receipt reserved for a held order: %+v", o)
			}
			if s := summary(t, a); s.OrdersOnHold != 1 || s.OpenOrders != 2 || len(s.Backorders) != 1 || s.Backorders[0].Quantity != "3" ||
				s.Backorders[0].OrderNumber != o2.Number {
				t.Fatalf("summary with a held order: %+v", s)
			}
		})

		s.step("finance releases it: it reserves and invoices its service now", func(t *testing.T, a *instance) {
			a.must(403, "POST", "/api/v1/orders/"+o2.ID+"/release", tm.rep, nil)
			r := as[server.OrderJSON](t, a.must(200, "POST", "/api/v1/orders/"+o2.ID+"/release", tm.finance, nil))
			if r.Status != "open" || r.HoldReason != "" || str(r.ReleasedBy) != tm.ids["Finance"] || orderLine(t, r, "DISK", false).ReservedQuantity != "3" {
				t.Fatalf("released order: %+v", r)
			}
			if inv := page[server.InvoiceJSON](t, a.must(200, "GET", "/api/v1/invoices?order_id="+o2.ID, tm.finance, nil)); len(inv) != 1 || inv[0].Total != "50.00" {
				t.Fatalf("service invoiced at release: %+v", inv)
			}
			a.must(409, "POST", "/api/v1/orders/"+o2.ID+"/release", tm.finance, nil)
		})

		s.step("overdue past the grace period holds, whatever the limit, until paid", func(t *testing.T, a *instance) {
			a.must(200, "PATCH", "/api/v1/accounts/"+f.acc, tm.finance, map[string]any{"credit_limit": "1000000"})
			clock.Advance(31 * 24 * time.Hour) // the service invoice is a day overdue: within grace
			if s := summary(t, a); s.OverdueBalance != "50.00" || s.ARBalance != "50.00" {
				t.Fatalf("summary with an overdue invoice: %+v", s)
			}
			if o := convert(t, a, svc, "1"); o.Status != "open" {
				t.Fatalf("order within the grace period: %+v", o)
			}
			clock.Advance(15 * 24 * time.Hour)
			o3 := convert(t, a, svc, "1")
			if o3.Status != "on_hold" || !strings.Contains(o3.HoldReason, "overdue by more than 15 days") {
				t.Fatalf("order past the grace period: %+v", o3)
			}
			a.must(201, "POST", "/api/v1/payments", tm.finance, map[string]any{"account_id": f.acc, "amount": "100.00", "method": "bank_transfer"})
			if s := summary(t, a); s.OverdueBalance != "0.00" || s.ARBalance != "0.00" || s.LifetimeRevenue != "100.00" {
				t.Fatalf("summary after paying: %+v", s)
			}
			if o := convert(t, a, svc, "1"); o.Status != "open" {
				t.Fatalf("order after paying: %+v", o)
			}
		})
	})
}
