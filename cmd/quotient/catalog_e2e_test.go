package main

import (
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func serverProduct() map[string]any {
	return map[string]any{"sku": "SRV-T1", "name": "Test server", "family": "hardware", "unit_cost": "1000.123456",
		"attributes": []any{
			map[string]any{"code": "cpu", "name": "CPU", "type": "enum", "required": true, "options": []any{
				map[string]any{"code": "c8", "label": "8 cores", "price_delta": "0"},
				map[string]any{"code": "c16", "label": "16 cores", "price_delta": "500.5"}}},
			map[string]any{"code": "disk_tb", "name": "Disk", "type": "number", "min": "1", "max": "64", "step": "1", "unit": "TB"},
			map[string]any{"code": "rails", "name": "Rails", "type": "boolean", "default": "true"},
		}}
}

func TestProductsBundlesPriceBooksCRUD(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin

		srv := a.must(201, "POST", "/api/v1/products", admin, serverProduct())
		sid := srv.str(t, "id")
		m := srv.json(t)
		if m["kind"] != "good" || m["track_inventory"] != true || m["unit_cost"] != "1000.123456" || len(m["attributes"].([]any)) != 3 {
			t.Fatalf("product: %s", srv.body)
		}
		a.must(409, "POST", "/api/v1/products", admin, serverProduct()) // sku is unique
		a.must(403, "POST", "/api/v1/products", tm.manager, map[string]any{"sku": "X", "name": "X", "family": "x"})
		svc := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "PS-1", "name": "Install", "family": "services", "kind": "service", "uom": "hour"})
		if svc.json(t)["track_inventory"] != false {
			t.Fatalf("service tracks inventory: %s", svc.body)
		}
		r := a.must(422, "POST", "/api/v1/products", admin, map[string]any{"sku": "PS-2", "name": "Bad", "family": "services", "kind": "service", "track_inventory": true})
		if r.field(t) != "track_inventory" {
			t.Fatalf("service with inventory: %s", r.body)
		}
		bad := serverProduct()
		bad["sku"] = "SRV-BAD"
		bad["attributes"] = []any{map[string]any{"code": "cpu", "name": "CPU", "type": "enum", "options": []any{}}}
		if f := a.must(422, "POST", "/api/v1/products", admin, bad).field(t); f != "attributes[0].options" {
			t.Fatalf("enum without options: field %q", f)
		}

		// A bundle of the server and the service.
		kit := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "KIT-1", "name": "Kit", "family": "hardware",
			"components": []any{map[string]any{"product_id": sid, "quantity": "2", "required": true},
				map[string]any{"product_id": svc.str(t, "id"), "quantity": 4, "required": false}}})
		km := kit.json(t)
		if km["is_bundle"] != true || len(km["components"].([]any)) != 2 || km["track_inventory"] != false {
			t.Fatalf("bundle: %s", kit.body)
		}
		nested := map[string]any{"sku": "KIT-2", "name": "Kit of kits", "family": "hardware",
			"components": []any{map[string]any{"product_id": kit.str(t, "id"), "quantity": "1"}}}
		if f := a.must(422, "POST", "/api/v1/products", admin, nested).field(t); f != "components[0].product_id" {
			t.Fatalf("nested bundle: field %q", f)
		}
		if n := len(a.must(200, "GET", "/api/v1/products?family=hardware", tm.rep, nil).list(t)); n != 2 {
			t.Fatalf("family filter: got %d", n)
		}
		if n := len(a.must(200, "GET", "/api/v1/products?q=srv-t", tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("sku search: got %d", n)
		}

		// Price books: one default per currency.
		usd := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "List USD", "currency": "USD", "is_default": true, "valid_from": "2026-01-01"})
		usd2 := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "List USD 2027", "currency": "USD", "is_default": true, "valid_from": "2027-01-01", "valid_to": "2027-12-31"})
		if a.must(200, "GET", "/api/v1/price-books/"+usd.str(t, "id"), tm.rep, nil).json(t)["is_default"] != false {
			t.Fatal("the earlier default book is still default")
		}
		jpy := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "List JPY", "currency": "JPY", "is_default": true})
		if n := len(a.must(200, "GET", "/api/v1/price-books?currency=USD", tm.rep, nil).list(t)); n != 2 {
			t.Fatalf("currency filter: %d", n)
		}
		a.must(422, "PATCH", "/api/v1/price-books/"+usd2.str(t, "id"), admin, map[string]any{"currency": "EUR"})
		if f := a.must(422, "POST", "/api/v1/price-books", admin, map[string]any{"name": "Bad", "currency": "USD", "valid_from": "2027-01-01", "valid_to": "2026-01-01"}).field(t); f != "valid_to" {
			t.Fatalf("dates: field %q", f)
		}

		// Entries, with option prices in the book's currency.
		base := "/api/v1/price-books/" + jpy.str(t, "id") + "/entries"
		e := a.must(201, "POST", base, admin, map[string]any{"product_id": sid, "unit_price": "1035000", "option_prices": map[string]any{"cpu.c16": "75000"}})
		if e.str(t, "unit_price") != "1035000" || e.json(t)["option_prices"].(map[string]any)["cpu.c16"] != "75000" {
			t.Fatalf("entry: %s", e.body)
		}
		a.must(409, "POST", base, admin, map[string]any{"product_id": sid, "unit_price": "1"})
		if f := a.must(422, "POST", base, admin, map[string]any{"product_id": svc.str(t, "id"), "unit_price": "1", "option_prices": map[string]any{"cpu.c99": "1"}}).field(t); f != "option_prices.cpu.c99" {
			t.Fatalf("unknown option: field %q", f)
		}
		eid := e.str(t, "id")
		up := a.must(200, "PATCH", base+"/"+eid, admin, map[string]any{"unit_price": "999000"}, "If-Match", e.header.Get("ETag"))
		if up.str(t, "unit_price") != "999000" {
			t.Fatalf("patch entry: %s", up.body)
		}
		usdBase := "/api/v1/price-books/" + usd2.str(t, "id") + "/entries"
		ue := a.must(201, "POST", usdBase, admin, map[string]any{"product_id": sid, "unit_price": "6900.5"})
		if ue.str(t, "unit_price") != "6900.50" {
			t.Fatalf("usd entry: %s", ue.body)
		}
		if n := len(a.must(200, "GET", base+"?product_id="+sid, tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("entries: %d", n)
		}

		// A product in a bundle is deactivated, not deleted; an unused one
		// is deleted with its prices.
		del := a.must(200, "DELETE", "/api/v1/products/"+sid, admin, nil)
		if del.json(t)["active"] != false {
			t.Fatalf("deactivate: %s", del.body)
		}
		a.must(200, "GET", "/api/v1/products/"+sid, tm.rep, nil)
		if n := len(a.must(200, "GET", "/api/v1/products?active=false", tm.rep, nil).list(t)); n != 1 {
			t.Fatalf("active filter: %d", n)
		}
		a.must(204, "DELETE", "/api/v1/products/"+kit.str(t, "id"), admin, nil)
		a.must(204, "DELETE", "/api/v1/products/"+sid, admin, nil) // no longer in a bundle
		a.must(404, "GET", base+"/"+eid, tm.rep, nil)
		a.must(404, "GET", usdBase+"/"+ue.str(t, "id"), admin, nil) // prices go with the product
		a.must(204, "DELETE", "/api/v1/price-books/"+usd.str(t, "id"), admin, nil)
		a.must(404, "GET", "/api/v1/price-books/"+usd.str(t, "id"), admin, nil)
	})
}
