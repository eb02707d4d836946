package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"

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

func level(t testing.TB, a *instance, token, product string) (onHand, reserved, available string) {
	rows := a.must(200, "GET", "/api/v1/inventory?product_id="+product, token, nil).list(t)
	sum := func(k string) string {
		total := 0.0
		for _, r := range rows {
			var v float64
			fmt.Sscan(r[k].(string), &v)
			total += v
		}
		return fmt.Sprint(total)
	}
	return sum("on_hand"), sum("reserved"), sum("available")
}

func lineBy(t testing.TB, o map[string]any, sku string, parent bool) map[string]any {
	for _, l := range o["lines"].([]any) {
		m := l.(map[string]any)
		if m["sku"] == sku && (m["parent_line_id"] != nil) == parent {
			return m
		}
	}
	t.Fatalf("no line %s (component %v) in %v", sku, parent, o["lines"])
	return nil
}

func TestOrderFromQuoteReservesStock(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		kit := f.product(t, a, tm, map[string]any{"sku": "KIT", "name": "Disk kit", "family": "hardware",
			"components": []any{map[string]any{"product_id": disk, "quantity": "2", "required": true}}}, "150")
		f.receive(t, a, tm.admin, f.sfo, disk, "5")
		f.receive(t, a, tm.admin, f.rno, disk, "3")

		q := f.approvedQuote(t, a, tm.rep, disk, "6", svc, "1", kit, "1")
		quoted := a.must(200, "GET", "/api/v1/quotes/"+q, tm.rep, nil).json(t)
		a.must(403, "POST", "/api/v1/quotes/"+q+"/convert", tm.outsider, nil)
		if f := a.must(422, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, map[string]any{"signer_email": "not-an-email"}).field(t); f != "signer_email" {
			t.Fatalf("bad signer e-mail: field %q", f)
		}
		if got := a.must(200, "GET", "/api/v1/orders?quote_id="+q, tm.rep, nil).list(t); len(got) != 0 {
			t.Fatalf("a failed conversion left an order: %v", got)
		}
		r := a.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, map[string]any{"signer_name": "Pat Buyer", "reason": "signed paper copy"})
		o := r.json(t)
		if o["status"] != "open" || o["quote_id"] != q || o["total"] != quoted["total"] || o["tax_total"] != quoted["tax_total"] ||
			r.header.Get("Location") != "/api/v1/orders/"+o["id"].(string) {
			t.Fatalf("order: %v (quote total %v)", o, quoted["total"])
		}
		if again := a.must(200, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil).json(t); again["id"] != o["id"] {
			t.Fatalf("a repeated conversion made another order: %v", again["id"])
		}
		if st := a.must(200, "GET", "/api/v1/quotes/"+q, tm.rep, nil).str(t, "status"); st != "accepted" {
			t.Fatalf("quote after conversion: %s", st)
		}
		// Six disks: five from SFO (priority 1) and one from Reno; the kit's
		// two disks from Reno; the service and the bundle line hold nothing.
		dl := lineBy(t, o, "DISK", false)
		if dl["quantity"] != "6" || dl["reserved_quantity"] != "6" || dl["backordered_quantity"] != "0" || dl["unit_price"] == "0" {
			t.Fatalf("disk line: %v", dl)
		}
		comp := lineBy(t, o, "DISK", true)
		if comp["quantity"] != "2" || comp["reserved_quantity"] != "2" || comp["parent_line_id"] != lineBy(t, o, "KIT", false)["id"] {
			t.Fatalf("kit component line: %v", comp)
		}
		for _, sku := range []string{"INSTALL", "KIT"} {
			if l := lineBy(t, o, sku, false); l["stocked"] != false || l["reserved_quantity"] != "0" || l["backordered_quantity"] != "0" {
				t.Fatalf("%s line: %v", sku, l)
			}
		}
		res := a.must(200, "GET", "/api/v1/reservations?order_id="+o["id"].(string), tm.rep, nil).list(t)
		held := map[string]string{}
		for _, h := range res {
			held[h["warehouse_id"].(string)+"/"+h["order_line_id"].(string)] = h["quantity"].(string)
		}
		if len(res) != 3 || held[f.sfo+"/"+dl["id"].(string)] != "5" || held[f.rno+"/"+dl["id"].(string)] != "1" || held[f.rno+"/"+comp["id"].(string)] != "2" {
			t.Fatalf("reservations: %v", res)
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

		// Nothing left: a second order is backordered in full.
		q2 := f.approvedQuote(t, a, tm.rep, disk, "4")
		o2 := a.must(201, "POST", "/api/v1/quotes/"+q2+"/convert", tm.rep, nil).json(t)
		if l := lineBy(t, o2, "DISK", false); l["reserved_quantity"] != "0" || l["backordered_quantity"] != "4" {
			t.Fatalf("backordered line: %v", l)
		}
		got := a.must(200, "GET", "/api/v1/orders/"+o2["id"].(string), tm.rep, nil).json(t)
		if got["number"] != o2["number"] || len(got["lines"].([]any)) != 1 {
			t.Fatalf("get order: %v", got)
		}
		if list := a.must(200, "GET", "/api/v1/orders?account_id="+f.acc, tm.rep, nil).list(t); len(list) != 2 {
			t.Fatalf("orders of the account: %v", list)
		}
		if f := a.must(422, "GET", "/api/v1/orders?status=shipped", tm.rep, nil).field(t); f != "status" {
			t.Fatalf("bad status filter: field %q", f)
		}
		// A component's share beyond 6 decimals rounds up: 0.333333 × 1.5.
		third := f.product(t, a, tm, map[string]any{"sku": "THIRD", "name": "Third of a disk", "family": "hardware",
			"components": []any{map[string]any{"product_id": disk, "quantity": "0.333333", "required": true}}}, "40")
		o3 := a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, third, "1.5")+"/convert", tm.rep, nil).json(t)
		if l := lineBy(t, o3, "DISK", true); l["quantity"] != "0.5" || l["backordered_quantity"] != "0.5" {
			t.Fatalf("fractional component: %v", l)
		}
		// Only approved or sent quotes convert.
		draft := a.must(201, "POST", "/api/v1/quotes", tm.rep, map[string]any{"account_id": f.acc,
			"lines": []any{map[string]any{"product_id": disk, "quantity": "1"}}}).str(t, "id")
		a.must(409, "POST", "/api/v1/quotes/"+draft+"/convert", tm.rep, nil)
		// A sent quote converts too; the history says who recorded it.
		q3 := f.approvedQuote(t, a, tm.rep, svc, "1")
		a.must(200, "POST", "/api/v1/quotes/"+q3+"/send", tm.rep, map[string]any{"to": "buyer@orders.example"})
		a.must(201, "POST", "/api/v1/quotes/"+q3+"/convert", tm.manager, map[string]any{"signer_name": "Pat Buyer", "reason": "signed at the trade fair"})
		var kinds []string
		for _, e := range a.must(200, "GET", "/api/v1/quotes/"+q3+"/history", tm.rep, nil).list(t) {
			if e["kind"] == "accepted_on_behalf_of_customer" && e["actor_id"] == tm.ids["Manager"] {
				kinds = append(kinds, e["kind"].(string))
			}
		}
		if len(kinds) != 1 {
			t.Fatalf("history of the converted quote: %v", a.must(200, "GET", "/api/v1/quotes/"+q3+"/history", tm.rep, nil).list(t))
		}
		checkStockInvariants(t, db)
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

func TestFulfillmentCancellationAndBackorders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a, tm, f, disk := diskFixture(t, db)
		svc := f.product(t, a, tm, map[string]any{"sku": "INSTALL", "name": "Installation", "family": "services", "kind": "service"}, "250")
		kit := f.product(t, a, tm, map[string]any{"sku": "KIT", "name": "Disk kit", "family": "hardware",
			"components": []any{map[string]any{"product_id": disk, "quantity": "1", "required": true}}}, "150")
		f.receive(t, a, tm.admin, f.sfo, disk, "4")
		convert := func(lines ...string) map[string]any {
			return a.must(201, "POST", "/api/v1/quotes/"+f.approvedQuote(t, a, tm.rep, lines...)+"/convert", tm.rep, nil).json(t)
		}
		get := func(o map[string]any) map[string]any {
			return a.must(200, "GET", "/api/v1/orders/"+o["id"].(string), tm.rep, nil).json(t)
		}
		o1 := convert(disk, "3", svc, "1")
		o2 := convert(disk, "4")
		o3 := convert(disk, "2")
		if l := lineBy(t, o2, "DISK", false); l["reserved_quantity"] != "1" || l["backordered_quantity"] != "3" {
			t.Fatalf("o2: %v", l)
		}
		// A receipt of 4 serves the backorders in order: o2's 3, then 1 of o3's 2.
		f.receive(t, a, tm.admin, f.rno, disk, "4")
		if l := lineBy(t, get(o2), "DISK", false); l["reserved_quantity"] != "4" || l["backordered_quantity"] != "0" {
			t.Fatalf("o2 after receipt: %v", l)
		}
		if l := lineBy(t, get(o3), "DISK", false); l["reserved_quantity"] != "1" || l["backordered_quantity"] != "1" {
			t.Fatalf("o3 after receipt: %v", l)
		}
		if _, _, av := level(t, a, tm.rep, disk); av != "0" {
			t.Fatalf("available after the receipt: %s", av)
		}

		// Shipping: only what is reserved for the line in that warehouse.
		id1 := o1["id"].(string)
		d1, s1 := lineBy(t, o1, "DISK", false)["id"], lineBy(t, o1, "INSTALL", false)["id"]
		ship := func(want int, o, wh string, lines ...any) resp {
			var ls []any
			for i := 0; i+1 < len(lines); i += 2 {
				ls = append(ls, map[string]any{"order_line_id": lines[i], "quantity": lines[i+1]})
			}
			return a.must(want, "POST", "/api/v1/orders/"+o+"/fulfillments", tm.admin, map[string]any{"warehouse_id": wh, "lines": ls, "reference": "1Z999"})
		}
		a.must(403, "POST", "/api/v1/orders/"+id1+"/fulfillments", tm.rep, map[string]any{"warehouse_id": f.sfo,
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
			if got := a.must(422, "POST", "/api/v1/orders/"+id1+"/fulfillments", tm.admin, c.body).field(t); got != c.field {
				t.Errorf("%v: field %q, want %q", c.body, got, c.field)
			}
		}
		if got := ship(409, id1, f.sfo, d1, "4").field(t); got != "lines[0].quantity" {
			t.Fatalf("shipping more than reserved: field %q", got)
		}
		ship(409, id1, f.rno, d1, "1") // o1's disks are reserved in SFO only
		r := ship(201, id1, f.sfo, d1, "2").json(t)
		sh, o := r["shipment"].(map[string]any), r["order"].(map[string]any)
		if o["status"] != "partially_fulfilled" || sh["reference"] != "1Z999" || !regexp.MustCompile(`^SH-\d{6}$`).MatchString(sh["number"].(string)) || sh["shipped_on"] == "" {
			t.Fatalf("first shipment: %v", r)
		}
		if l := lineBy(t, o, "DISK", false); l["fulfilled_quantity"] != "2" || l["reserved_quantity"] != "1" || l["backordered_quantity"] != "0" {
			t.Fatalf("after shipping 2: %v", l)
		}
		if oh, rs, _ := level(t, a, tm.rep, disk); oh != "6" || rs != "6" {
			t.Fatalf("stock after shipping 2: on_hand %s reserved %s", oh, rs)
		}
		o = ship(201, id1, f.sfo, d1, "1", s1, "1").json(t)["order"].(map[string]any)
		if o["status"] != "fulfilled" {
			t.Fatalf("after shipping the rest and the service: %v", o)
		}
		ship(409, id1, f.sfo, d1, "1")
		a.must(409, "POST", "/api/v1/orders/"+id1+"/cancel", tm.rep, nil) // fulfilled
		if shs := a.must(200, "GET", "/api/v1/orders/"+id1+"/fulfillments", tm.rep, nil).list(t); len(shs) != 2 || len(shs[1]["lines"].([]any)) != 2 {
			t.Fatalf("shipments: %v", shs)
		}

		// Cancel after a partial shipment: the shipped unit stays shipped,
		// the rest is cancelled and its stock goes to o3, which waited.
		id2 := o2["id"].(string)
		d2 := lineBy(t, o2, "DISK", false)["id"]
		ship(201, id2, f.sfo, d2, "1")
		a.must(403, "POST", "/api/v1/orders/"+id2+"/cancel", tm.outsider, nil)
		c := a.must(200, "POST", "/api/v1/orders/"+id2+"/cancel", tm.rep, map[string]any{"reason": "customer changed their mind"}).json(t)
		if l := lineBy(t, c, "DISK", false); c["status"] != "cancelled" || c["cancel_reason"] != "customer changed their mind" ||
			l["fulfilled_quantity"] != "1" || l["cancelled_quantity"] != "3" || l["reserved_quantity"] != "0" || l["backordered_quantity"] != "0" {
			t.Fatalf("cancelled: %v", c)
		}
		if again := a.must(200, "POST", "/api/v1/orders/"+id2+"/cancel", tm.rep, nil).json(t); again["version"] != c["version"] {
			t.Fatalf("cancelling twice changed the order: %v", again)
		}
		ship(409, id2, f.rno, d2, "1")
		statuses := map[string]string{}
		for _, h := range a.must(200, "GET", "/api/v1/reservations?order_id="+id2, tm.rep, nil).list(t) {
			statuses[h["status"].(string)] = h["quantity"].(string)
		}
		if statuses["shipped"] != "1" || statuses["released"] != "3" || statuses["open"] != "" {
			t.Fatalf("o2 reservations: %v", statuses)
		}
		if l := lineBy(t, get(o3), "DISK", false); l["reserved_quantity"] != "2" || l["backordered_quantity"] != "0" {
			t.Fatalf("o3 after o2's cancellation: %v", l)
		}
		if oh, rs, av := level(t, a, tm.rep, disk); oh != "4" || rs != "2" || av != "2" {
			t.Fatalf("stock after the cancellation: %s %s %s", oh, rs, av)
		}
		// A bundle ships through its components; a cancelled order with
		// nothing shipped is cancelled whole.
		o4 := convert(kit, "2")
		if lineBy(t, o4, "DISK", true)["reserved_quantity"] != "2" {
			t.Fatalf("kit: %v", o4)
		}
		if got := ship(422, o4["id"].(string), f.sfo, lineBy(t, o4, "KIT", false)["id"], "1").field(t); got != "lines[0].order_line_id" {
			t.Fatalf("shipping a bundle header: field %q", got)
		}
		o4 = a.must(200, "POST", "/api/v1/orders/"+o4["id"].(string)+"/cancel", tm.rep, nil).json(t)
		if l := lineBy(t, o4, "DISK", true); o4["status"] != "cancelled" || l["cancelled_quantity"] != "2" {
			t.Fatalf("cancelled kit order: %v", o4)
		}
		if _, rs, av := level(t, a, tm.rep, disk); rs != "2" || av != "2" {
			t.Fatalf("stock after the kit's cancellation: reserved %s available %s", rs, av)
		}
		checkStockInvariants(t, db)
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
		var orders []map[string]any
		for i, r := range convertConcurrently(a, tm.rep, quotes) {
			if r.status != 201 {
				t.Fatalf("%s: %d %s", quotes[i], r.status, r.body)
			}
			orders = append(orders, r.json(t))
		}
		reserved, backordered := 0, 0
		for _, o := range orders {
			switch l := lineBy(t, o, "DISK", false); {
			case l["reserved_quantity"] == "1" && l["backordered_quantity"] == "0":
				reserved++
			case l["reserved_quantity"] == "0" && l["backordered_quantity"] == "1":
				backordered++
			default:
				t.Fatalf("line: %v", l)
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
			if l := lineBy(t, a.must(200, "GET", "/api/v1/orders/"+o["id"].(string), tm.rep, nil).json(t), "DISK", false); l["reserved_quantity"] != "1" {
				t.Fatalf("after the receipt: %v", l)
			}
		}
		checkStockInvariants(t, db)
	})
}
