package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// stockFixture makes warehouses, a price book and products for order tests.
type stockFixture struct {
	sfo, rno, book, acc string
}

func newStockFixture(t testing.TB, a *instance, tm team) stockFixture {
	t.Helper()
	f := stockFixture{}
	f.sfo = a.must(201, "POST", "/api/v1/warehouses", tm.admin, map[string]any{"code": "SFO", "name": "San Francisco", "priority": 1}).str(t, "id")
	f.rno = a.must(201, "POST", "/api/v1/warehouses", tm.admin, map[string]any{"code": "RNO", "name": "Reno", "priority": 2}).str(t, "id")
	f.book = a.must(201, "POST", "/api/v1/price-books", tm.admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true}).str(t, "id")
	f.acc = a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Orders Inc", "currency": "USD"}).str(t, "id")
	return f
}

func (f stockFixture) product(t testing.TB, a *instance, tm team, body map[string]any, price string) string {
	t.Helper()
	id := a.must(201, "POST", "/api/v1/products", tm.admin, body).str(t, "id")
	a.must(201, "POST", "/api/v1/price-books/"+f.book+"/entries", tm.admin, map[string]any{"product_id": id, "unit_price": price})
	return id
}

// approvedQuote makes a quote of the lines (product id, quantity pairs)
// and submits it; with no approval rules it is approved at once.
func (f stockFixture) approvedQuote(t testing.TB, a *instance, token string, lines ...string) string {
	t.Helper()
	id, err := f.tryApprovedQuote(a, token, lines...)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// tryApprovedQuote is approvedQuote for any goroutine: it returns errors.
func (f stockFixture) tryApprovedQuote(a *instance, token string, lines ...string) (string, error) {
	var ls []any
	for i := 0; i+1 < len(lines); i += 2 {
		ls = append(ls, map[string]any{"product_id": lines[i], "quantity": lines[i+1]})
	}
	r := a.call("POST", "/api/v1/quotes", token, map[string]any{"account_id": f.acc, "lines": ls})
	var q struct {
		ID string `json:"id"`
	}
	if r.status != 201 || json.Unmarshal(r.body, &q) != nil {
		return "", fmt.Errorf("create quote: %d %.300s", r.status, r.body)
	}
	r = a.call("POST", "/api/v1/quotes/"+q.ID+"/submit", token, nil)
	var sub struct {
		Quote struct {
			Status string `json:"status"`
		} `json:"quote"`
	}
	if r.status != 200 || json.Unmarshal(r.body, &sub) != nil || sub.Quote.Status != "approved" {
		return "", fmt.Errorf("submit quote: %d %.300s", r.status, r.body)
	}
	return q.ID, nil
}

func (f stockFixture) receive(t testing.TB, a *instance, token, warehouse, product, qty string) {
	a.must(201, "POST", "/api/v1/inventory/receipts", token, map[string]any{"warehouse_id": warehouse,
		"lines": []any{map[string]any{"product_id": product, "quantity": qty}}})
}

// level sums a product's stock over the warehouses: on hand, reserved,
// available.
func level(t testing.TB, a *instance, token, product string) (onHand, reserved, available string) {
	t.Helper()
	var oh, rs, av decimal.Decimal
	for _, r := range page[server.LevelJSON](t, a.must(200, "GET", "/api/v1/inventory?product_id="+product, token, nil)) {
		oh, rs, av = oh.Add(dec(t, r.OnHand)), rs.Add(dec(t, r.Reserved)), av.Add(dec(t, r.Available))
	}
	return oh.String(), rs.String(), av.String()
}

// orderLine is an order's line of a SKU: its own, or a bundle's
// component.
func orderLine(t testing.TB, o server.OrderJSON, sku string, component bool) server.OrderLineJSON {
	t.Helper()
	for _, l := range o.Lines {
		if l.SKU == sku && (l.ParentLineID != nil) == component {
			return l
		}
	}
	t.Fatalf("order %s has no line %s (component %v): %+v", o.Number, sku, component, o.Lines)
	return server.OrderLineJSON{}
}

// TestOrderFromQuoteReservesStock: a conversion makes one order copying
// the quote, reserving by warehouse priority (bundle components hold the
// stock), backordering what is missing; only approved or sent quotes
// convert. Steps decode into the API's types.
func TestOrderFromQuoteReservesStock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		kit := f.product(t, a, tm, map[string]any{"sku": "KIT", "name": "Disk kit", "family": "hardware",
			"components": []any{map[string]any{"product_id": disk, "quantity": "2", "required": true}}}, "150")
		f.receive(t, a, tm.admin, f.sfo, disk, "5")
		f.receive(t, a, tm.admin, f.rno, disk, "3")
		s := scenario{t, a}

		s.step("a conversion makes one order, copied from the quote, stock reserved by warehouse priority", func(t *testing.T, a *instance) {
			q := f.approvedQuote(t, a, tm.rep, disk, "6", svc, "1", kit, "1")
			quoted := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+q, tm.rep, nil))
			a.must(403, "POST", "/api/v1/quotes/"+q+"/convert", tm.outsider, nil)
			if f := a.must(422, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, map[string]any{"signer_email": "not-an-email"}).field(t); f != "signer_email" {
				t.Fatalf("bad signer e-mail: field %q", f)
			}
			if got := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?quote_id="+q, tm.rep, nil)); len(got) != 0 {
				t.Fatalf("a failed conversion left an order: %+v", got)
			}
			r := a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, map[string]any{"signer_name": "Pat Buyer", "reason": "signed paper copy"})
			o := as[server.OrderJSON](t, r)
			if o.Status != "open" || o.QuoteID != q || o.Total != quoted.Total || o.TaxTotal != quoted.TaxTotal || r.header.Get("Location") != "/api/v1/orders/"+o.ID {
				t.Fatalf("order: %+v (quote total %s)", o, quoted.Total)
			}
			if again := as[server.OrderJSON](t, a.must(200, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil)); again.ID != o.ID {
				t.Fatalf("a repeated conversion made another order: %s", again.ID)
			}
			if st := as[server.QuoteJSON](t, a.must(200, "GET", "/api/v1/quotes/"+q, tm.rep, nil)).Status; st != "accepted" {
				t.Fatalf("quote after conversion: %s", st)
			}
			// Six disks: five from SFO (priority 1) and one from Reno; the
			// kit's two disks from Reno; the service and the bundle line
			// hold nothing.
			dl := orderLine(t, o, "DISK", false)
			if dl.Quantity != "6" || dl.ReservedQuantity != "6" || dl.BackorderedQuantity != "0" || dl.UnitPrice == "0" {
				t.Fatalf("disk line: %+v", dl)
			}
			comp := orderLine(t, o, "DISK", true)
			if comp.Quantity != "2" || comp.ReservedQuantity != "2" || str(comp.ParentLineID) != orderLine(t, o, "KIT", false).ID {
				t.Fatalf("kit component line: %+v", comp)
			}
			for _, sku := range []string{"INSTALL", "KIT"} {
				if l := orderLine(t, o, sku, false); l.Stocked || l.ReservedQuantity != "0" || l.BackorderedQuantity != "0" {
					t.Fatalf("%s line: %+v", sku, l)
				}
			}
			res := page[server.ReservationJSON](t, a.must(200, "GET", "/api/v1/reservations?order_id="+o.ID, tm.rep, nil))
			held := map[string]string{}
			for _, h := range res {
				held[h.WarehouseID+"/"+h.OrderLineID] = h.Quantity
			}
			if len(res) != 3 || held[f.sfo+"/"+dl.ID] != "5" || held[f.rno+"/"+dl.ID] != "1" || held[f.rno+"/"+comp.ID] != "2" {
				t.Fatalf("reservations: %+v", res)
			}
			if f := a.must(400, "GET", "/api/v1/reservations", tm.rep, nil).field(t); f != "order_id" {
				t.Fatalf("reservations without order_id: field %q", f)
			}
			a.must(404, "GET", "/api/v1/reservations?order_id=ord_nope", tm.rep, nil)
			if oh, rs, av := level(t, a, tm.rep, disk); oh != "8" || rs != "8" || av != "0" {
				t.Fatalf("disk stock: on_hand %s reserved %s available %s", oh, rs, av)
			}
			// Stock that is reserved cannot be adjusted away.
			if f := a.must(409, "POST", "/api/v1/inventory/adjustments", tm.admin, map[string]any{"warehouse_id": f.sfo, "product_id": disk,
				"quantity": "-1", "reason": "count"}).field(t); f != "quantity" {
				t.Fatalf("adjustment below reserved: field %q", f)
			}
		})

		s.step("with nothing left, the next order waits in full; a component's share rounds up", func(t *testing.T, a *instance) {
			o2 := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, disk, "4")+"/convert", tm.rep, nil))
			if l := orderLine(t, o2, "DISK", false); l.ReservedQuantity != "0" || l.BackorderedQuantity != "4" {
				t.Fatalf("backordered line: %+v", l)
			}
			got := as[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders/"+o2.ID, tm.rep, nil))
			if got.Number != o2.Number || len(got.Lines) != 1 {
				t.Fatalf("get order: %+v", got)
			}
			if list := page[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders?account_id="+f.acc, tm.rep, nil)); len(list) != 2 {
				t.Fatalf("orders of the account: %+v", list)
			}
			if f := a.must(422, "GET", "/api/v1/orders?status=shipped", tm.rep, nil).field(t); f != "status" {
				t.Fatalf("bad status filter: field %q", f)
			}
			// 0.333333 × 1.5 has more than 6 decimals: it rounds up.
			third := f.product(t, a, tm, map[string]any{"sku": "THIRD", "name": "Third of a disk", "family": "hardware",
				"components": []any{map[string]any{"product_id": disk, "quantity": "0.333333", "required": true}}}, "40")
			o3 := as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, third, "1.5")+"/convert", tm.rep, nil))
			if l := orderLine(t, o3, "DISK", true); l.Quantity != "0.5" || l.BackorderedQuantity != "0.5" {
				t.Fatalf("fractional component: %+v", l)
			}
		})

		s.step("only approved or sent quotes convert; the history names who recorded it", func(t *testing.T, a *instance) {
			draft := as[server.QuoteJSON](t, a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc,
				"lines": []any{map[string]any{"product_id": disk, "quantity": "1"}}})).ID
			a.must(409, "POST", "/api/v1/quotes/"+draft+"/convert", tm.rep, nil)
			q3 := f.approvedQuote(t, a, tm.rep, svc, "1")
			a.must(200, "POST", "/api/v1/quotes/"+q3+"/send", tm.rep, map[string]any{"to": "buyer@orders.example"})
			a.must(201, "POST", "/api/v1/quotes/"+q3+"/convert", tm.manager, map[string]any{"signer_name": "Pat Buyer", "reason": "signed at the trade fair"})
			history := page[server.EventJSON](t, a.must(200, "GET", "/api/v1/quotes/"+q3+"/history", tm.rep, nil))
			n := 0
			for _, e := range history {
				if e.Kind == "accepted_on_behalf_of_customer" && e.ActorID == tm.ids["Manager"] {
					n++
				}
			}
			if n != 1 {
				t.Fatalf("history of the converted quote: %+v", history)
			}
			checkStockInvariants(t, db)
		})
	})
}

// diskFixture starts a server with a team, two warehouses and a stocked
// product.
func diskFixture(t testing.TB, db string) (*instance, team, stockFixture, string) {
	a := start(t, db, nil)
	tm := a.makeTeam()
	f := newStockFixture(t, a, tm)
	return a, tm, f, f.product(t, a, tm, map[string]any{"sku": "DISK", "name": "Disk", "family": "hardware"}, "100")
}

// convertConcurrently converts the quotes, one client each, all at once.
func convertConcurrently(a *instance, token string, quotes []string) []resp {
	out := make([]resp, len(quotes))
	var wg sync.WaitGroup
	for i, q := range quotes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = a.call("POST", "/api/v1/quotes/"+q+"/convert", token, nil)
		}()
	}
	wg.Wait()
	return out
}

// TestConcurrentConversionsMakeOneOrder replays one conversion from ten
// clients at once: one order, stock reserved once.
func TestConcurrentConversionsMakeOneOrder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		f.receive(t, a, tm.admin, f.sfo, disk, "10")
		q := f.approvedQuote(t, a, tm.rep, disk, "3")
		rs := convertConcurrently(a, tm.rep, []string{q, q, q, q, q, q, q, q, q, q})
		created, first := 0, ""
		for i, r := range rs {
			if r.status >= 300 {
				t.Fatalf("replay %d: %d %s", i, r.status, r.body)
			}
			if r.status == 201 {
				created++
			}
			if id := r.json(t)["id"].(string); first == "" {
				first = id
			} else if id != first {
				t.Fatalf("replay %d made order %s, another made %s", i, id, first)
			}
		}
		if created != 1 {
			t.Fatalf("%d replays said they created the order", created)
		}
		if list := a.must(200, "GET", "/api/v1/orders?quote_id="+q, tm.rep, nil).list(t); len(list) != 1 {
			t.Fatalf("orders: %v", list)
		}
		if _, rs, av := level(t, a, tm.rep, disk); rs != "3" || av != "7" {
			t.Fatalf("reserved %s available %s", rs, av)
		}

		// The same through the portal: ten concurrent acceptances of one
		// sent quote, one order.
		q2 := f.approvedQuote(t, a, tm.rep, disk, "2")
		link := a.must(200, "POST", "/api/v1/quotes/"+q2+"/send", tm.rep, map[string]any{"to": "buyer@orders.example"}).str(t, "portal_url")
		path := strings.TrimPrefix(link, a.base) + "/accept"
		var wg sync.WaitGroup
		got := make([]resp, 10)
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i] = a.call("POST", path, "", map[string]any{"signer_name": "Pat Buyer", "signer_email": "buyer@orders.example", "accept": true})
			}()
		}
		wg.Wait()
		for i, r := range got {
			if r.status != 200 || !strings.Contains(string(r.body), `"order_number":"SO-`) {
				t.Fatalf("acceptance %d: %d %s", i, r.status, r.body)
			}
		}
		if list := a.must(200, "GET", "/api/v1/orders?quote_id="+q2, tm.rep, nil).list(t); len(list) != 1 {
			t.Fatalf("orders of the accepted quote: %v", list)
		}
		if _, rs, av := level(t, a, tm.rep, disk); rs != "5" || av != "5" {
			t.Fatalf("after the portal acceptances: reserved %s available %s", rs, av)
		}
		checkStockInvariants(t, db)
	})
}

// TestFulfillmentCancellationAndBackorders: receipts serve backorders
// first come first served; shipments take only what is reserved for a
// line in a warehouse; a cancellation after a partial shipment releases
// the rest to the next order; bundles ship through their components.
// Steps decode into the API's types.
func TestFulfillmentCancellationAndBackorders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		kit := f.product(t, a, tm, map[string]any{"sku": "KIT", "name": "Disk kit", "family": "hardware",
			"components": []any{map[string]any{"product_id": disk, "quantity": "1", "required": true}}}, "150")
		f.receive(t, a, tm.admin, f.sfo, disk, "4")
		convert := func(t *testing.T, a *instance, lines ...string) server.OrderJSON {
			return as[server.OrderJSON](t, a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, lines...)+"/convert", tm.rep, nil))
		}
		get := func(t *testing.T, a *instance, o server.OrderJSON) server.OrderJSON {
			return as[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders/"+o.ID, tm.rep, nil))
		}
		ship := func(a *instance, want int, o, wh string, lines ...string) resp {
			var ls []any
			for i := 0; i+1 < len(lines); i += 2 {
				ls = append(ls, map[string]any{"order_line_id": lines[i], "quantity": lines[i+1]})
			}
			return a.must(want, "POST", "/api/v1/orders/"+o+"/fulfillments", tm.admin, map[string]any{"warehouse_id": wh, "lines": ls, "reference": "1Z999"})
		}
		var o1, o2, o3 server.OrderJSON
		s := scenario{t, a}

		s.step("a receipt serves the backorders in order", func(t *testing.T, a *instance) {
			o1 = convert(t, a, disk, "3", svc, "1")
			o2 = convert(t, a, disk, "4")
			o3 = convert(t, a, disk, "2")
			if l := orderLine(t, o2, "DISK", false); l.ReservedQuantity != "1" || l.BackorderedQuantity != "3" {
				t.Fatalf("o2: %+v", l)
			}
			// A receipt of 4: o2's 3, then 1 of o3's 2.
			f.receive(t, a, tm.admin, f.rno, disk, "4")
			if l := orderLine(t, get(t, a, o2), "DISK", false); l.ReservedQuantity != "4" || l.BackorderedQuantity != "0" {
				t.Fatalf("o2 after receipt: %+v", l)
			}
			if l := orderLine(t, get(t, a, o3), "DISK", false); l.ReservedQuantity != "1" || l.BackorderedQuantity != "1" {
				t.Fatalf("o3 after receipt: %+v", l)
			}
			if _, _, av := level(t, a, tm.rep, disk); av != "0" {
				t.Fatalf("available after the receipt: %s", av)
			}
		})

		s.step("shipping takes only what is reserved for the line in that warehouse", func(t *testing.T, a *instance) {
			d1, s1 := orderLine(t, o1, "DISK", false).ID, orderLine(t, o1, "INSTALL", false).ID
			a.must(403, "POST", "/api/v1/orders/"+o1.ID+"/fulfillments", tm.rep, map[string]any{"warehouse_id": f.sfo,
				"lines": []any{map[string]any{"order_line_id": d1, "quantity": "1"}}})
			for _, c := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"warehouse_id": f.sfo, "lines": []any{}}, "lines"},
				{map[string]any{"warehouse_id": f.sfo, "lines": []any{map[string]any{"order_line_id": "oln_nope", "quantity": "1"}}}, "lines[0].order_line_id"},
				{map[string]any{"warehouse_id": f.sfo, "lines": []any{map[string]any{"order_line_id": d1, "quantity": "0"}}}, "lines[0].quantity"},
				{map[string]any{"warehouse_id": f.sfo, "lines": []any{map[string]any{"order_line_id": d1}}}, "lines[0].quantity"},
				{map[string]any{"warehouse_id": f.sfo, "shipped_on": "tomorrow", "lines": []any{map[string]any{"order_line_id": d1, "quantity": "1"}}}, "shipped_on"},
				{map[string]any{"lines": []any{map[string]any{"order_line_id": d1, "quantity": "1"}}}, "warehouse_id"},
				{map[string]any{"warehouse_id": "wh_nope", "lines": []any{map[string]any{"order_line_id": d1, "quantity": "1"}}}, "warehouse_id"},
			} {
				if got := a.must(422, "POST", "/api/v1/orders/"+o1.ID+"/fulfillments", tm.admin, c.body).field(t); got != c.field {
					t.Errorf("%v: field %q, want %q", c.body, got, c.field)
				}
			}
			if got := ship(a, 409, o1.ID, f.sfo, d1, "4").field(t); got != "lines[0].quantity" {
				t.Fatalf("shipping more than reserved: field %q", got)
			}
			ship(a, 409, o1.ID, f.rno, d1, "1") // o1's disks are reserved in SFO only
			r := as[server.FulfillmentJSON](t, ship(a, 201, o1.ID, f.sfo, d1, "2"))
			if r.Order.Status != "partially_fulfilled" || r.Shipment.Reference != "1Z999" || !regexp.MustCompile(`^SH-\d{6}$`).MatchString(r.Shipment.Number) ||
				r.Shipment.ShippedOn == "" {
				t.Fatalf("first shipment: %+v", r)
			}
			if l := orderLine(t, r.Order, "DISK", false); l.FulfilledQuantity != "2" || l.ReservedQuantity != "1" || l.BackorderedQuantity != "0" {
				t.Fatalf("after shipping 2: %+v", l)
			}
			if oh, rs, _ := level(t, a, tm.rep, disk); oh != "6" || rs != "6" {
				t.Fatalf("stock after shipping 2: on_hand %s reserved %s", oh, rs)
			}
			if o := as[server.FulfillmentJSON](t, ship(a, 201, o1.ID, f.sfo, d1, "1", s1, "1")).Order; o.Status != "fulfilled" {
				t.Fatalf("after shipping the rest and the service: %+v", o)
			}
			ship(a, 409, o1.ID, f.sfo, d1, "1")
			a.must(409, "POST", "/api/v1/orders/"+o1.ID+"/cancel", tm.rep, nil) // fulfilled
			if shs := page[server.ShipmentJSON](t, a.must(200, "GET", "/api/v1/orders/"+o1.ID+"/fulfillments", tm.rep, nil)); len(shs) != 2 || len(shs[1].Lines) != 2 {
				t.Fatalf("shipments: %+v", shs)
			}
		})

		s.step("a cancellation after a partial shipment passes the rest to the next order", func(t *testing.T, a *instance) {
			d2 := orderLine(t, o2, "DISK", false).ID
			ship(a, 201, o2.ID, f.sfo, d2, "1")
			a.must(403, "POST", "/api/v1/orders/"+o2.ID+"/cancel", tm.outsider, nil)
			c := as[server.OrderJSON](t, a.must(200, "POST", "/api/v1/orders/"+o2.ID+"/cancel", tm.rep, map[string]any{"reason": "customer changed their mind"}))
			if l := orderLine(t, c, "DISK", false); c.Status != "cancelled" || c.CancelReason != "customer changed their mind" ||
				l.FulfilledQuantity != "1" || l.CancelledQuantity != "3" || l.ReservedQuantity != "0" || l.BackorderedQuantity != "0" {
				t.Fatalf("cancelled: %+v", c)
			}
			if again := as[server.OrderJSON](t, a.must(200, "POST", "/api/v1/orders/"+o2.ID+"/cancel", tm.rep, nil)); again.Version != c.Version {
				t.Fatalf("cancelling twice changed the order: %+v", again)
			}
			ship(a, 409, o2.ID, f.rno, d2, "1")
			statuses := map[string]string{}
			for _, h := range page[server.ReservationJSON](t, a.must(200, "GET", "/api/v1/reservations?order_id="+o2.ID, tm.rep, nil)) {
				statuses[h.Status] = h.Quantity
			}
			if statuses["shipped"] != "1" || statuses["released"] != "3" || statuses["open"] != "" {
				t.Fatalf("o2 reservations: %v", statuses)
			}
			if l := orderLine(t, get(t, a, o3), "DISK", false); l.ReservedQuantity != "2" || l.BackorderedQuantity != "0" {
				t.Fatalf("o3 after o2's cancellation: %+v", l)
			}
			if oh, rs, av := level(t, a, tm.rep, disk); oh != "4" || rs != "2" || av != "2" {
				t.Fatalf("stock after the cancellation: %s %s %s", oh, rs, av)
			}
		})

		s.step("a bundle ships through its components; an unshipped order cancels whole", func(t *testing.T, a *instance) {
			o4 := convert(t, a, kit, "2")
			if orderLine(t, o4, "DISK", true).ReservedQuantity != "2" {
				t.Fatalf("kit: %+v", o4)
			}
			if got := ship(a, 422, o4.ID, f.sfo, orderLine(t, o4, "KIT", false).ID, "1").field(t); got != "lines[0].order_line_id" {
				t.Fatalf("shipping a bundle header: field %q", got)
			}
			o4 = as[server.OrderJSON](t, a.must(200, "POST", "/api/v1/orders/"+o4.ID+"/cancel", tm.rep, nil))
			if l := orderLine(t, o4, "DISK", true); o4.Status != "cancelled" || l.CancelledQuantity != "2" {
				t.Fatalf("cancelled kit order: %+v", o4)
			}
			if _, rs, av := level(t, a, tm.rep, disk); rs != "2" || av != "2" {
				t.Fatalf("stock after the kit's cancellation: reserved %s available %s", rs, av)
			}
			checkStockInvariants(t, db)
		})
	})
}

// TestConcurrentOrdersNeverOversell is the race: 64 clients accept
// 64 quotes of one unit of a product with 40 in stock.
func TestConcurrentOrdersNeverOversell(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		f.receive(t, a, tm.admin, f.sfo, disk, "30")
		f.receive(t, a, tm.admin, f.rno, disk, "10")
		quotes := make([]string, 64)
		for i := range quotes {
			quotes[i] = f.approvedQuote(t, a, tm.rep, disk, "1")
		}
		var orders []server.OrderJSON
		for i, r := range convertConcurrently(a, tm.rep, quotes) {
			if r.status != 201 {
				t.Fatalf("%s: %d %s", quotes[i], r.status, r.body)
			}
			orders = append(orders, as[server.OrderJSON](t, r))
		}
		reserved, backordered := 0, 0
		for _, o := range orders {
			switch l := orderLine(t, o, "DISK", false); {
			case l.ReservedQuantity == "1" && l.BackorderedQuantity == "0":
				reserved++
			case l.ReservedQuantity == "0" && l.BackorderedQuantity == "1":
				backordered++
			default:
				t.Fatalf("line: %+v", l)
			}
		}
		if reserved != 40 || backordered != 24 {
			t.Fatalf("%d reserved, %d backordered; want 40 and 24", reserved, backordered)
		}
		if _, rs, av := level(t, a, tm.rep, disk); rs != "40" || av != "0" {
			t.Fatalf("reserved %s available %s", rs, av)
		}
		// A receipt of 30 serves the 24 backorders, in the order they were
		// accepted, and leaves 6.
		f.receive(t, a, tm.admin, f.sfo, disk, "30")
		if _, rs, av := level(t, a, tm.rep, disk); rs != "64" || av != "6" {
			t.Fatalf("after the receipt: reserved %s available %s", rs, av)
		}
		for _, o := range orders {
			if l := orderLine(t, as[server.OrderJSON](t, a.must(200, "GET", "/api/v1/orders/"+o.ID, tm.rep, nil)), "DISK", false); l.ReservedQuantity != "1" {
				t.Fatalf("after the receipt: %+v", l)
			}
		}
		checkStockInvariants(t, db)
	})
}
