package main

import (
	"strings"
	"testing"

	"github.com/quotient-cpq/quotient/store/storetest"
)

func TestConfigurationRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		tm := a.makeTeam()
		admin := tm.admin
		srv := a.must(201, "POST", "/api/v1/products", admin, serverProduct()).str(t, "id") // cpu c8/c16, disk_tb 1..64 step 1, rails default true
		base := "/api/v1/products/" + srv + "/rules"
		bad := []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name": "x", "kind": "validation", "condition": "config.cpu == 'c16'"}, "message"},
			{map[string]any{"name": "x", "kind": "filter", "condition": "true", "action": map[string]any{"attribute": "disk_tb", "options": []any{"a"}}}, "action.attribute"},
			{map[string]any{"name": "x", "kind": "filter", "condition": "true", "action": map[string]any{"attribute": "cpu", "options": []any{"c99"}}}, "action.options[0]"},
			{map[string]any{"name": "x", "kind": "selection", "condition": "true", "action": map[string]any{"attribute": "cpu", "value": "c99"}}, "action.value"},
			{map[string]any{"name": "x", "kind": "alert", "message": "m", "condition": "config.cpu =="}, "condition"},
		}
		for _, b := range bad {
			if f := a.must(422, "POST", base, admin, b.body).field(t); f != b.field {
				t.Errorf("%v: field %q, want %q", b.body, f, b.field)
			}
		}
		a.must(403, "POST", base, tm.rep, map[string]any{"name": "x", "kind": "alert", "message": "m", "condition": "true"})
		a.must(201, "POST", base, admin, map[string]any{"name": "big disks need c16", "kind": "selection",
			"condition": "config.disk_tb > 32", "action": map[string]any{"attribute": "cpu", "value": "c16"}})
		a.must(201, "POST", base, admin, map[string]any{"name": "no c8 for enterprise", "kind": "filter",
			"condition": "account.segment == 'enterprise'", "action": map[string]any{"attribute": "cpu", "options": []any{"c8"}}})
		a.must(201, "POST", base, admin, map[string]any{"name": "rails for big", "kind": "validation", "message": "disks over 48 TB need rails",
			"condition": "config.disk_tb > 48 and !config.rails"})
		alert := a.must(201, "POST", base, admin, map[string]any{"name": "lead time", "kind": "alert", "message": "64 TB ships in 6 weeks",
			"condition": "config.disk_tb == 64"})
		if n := len(a.must(200, "GET", base, tm.rep, nil).list(t)); n != 4 {
			t.Fatalf("rules: %d", n)
		}
		a.must(200, "PATCH", base+"/"+alert.str(t, "id"), admin, map[string]any{"message": "64 TB ships in 8 weeks"})

		configure := func(body map[string]any) map[string]any {
			return a.must(200, "POST", "/api/v1/products/"+srv+"/configure", tm.rep, body).json(t)
		}
		// Defaults and a selection rule: disk 40 TB selects c16 (+500.5).
		c := configure(map[string]any{"configuration": map[string]any{"disk_tb": "40"}})
		if c["valid"] != true || c["configuration"].(map[string]any)["cpu"] != "c16" || c["price_delta"] != "500.50" {
			t.Fatalf("selection: %v", c)
		}
		// Choosing against a selection rule, a validation, and an alert.
		c = configure(map[string]any{"configuration": map[string]any{"disk_tb": "64", "cpu": "c8", "rails": false}})
		body := strings.Join(func() []string {
			var out []string
			for _, e := range c["errors"].([]any) {
				out = append(out, e.(map[string]any)["message"].(string)+"|"+e.(map[string]any)["attribute"].(string))
			}
			return out
		}(), ";")
		if c["valid"] != false || !strings.Contains(body, "cpu must be \"c16\"") || !strings.Contains(body, "disks over 48 TB need rails|disk_tb") ||
			len(c["warnings"].([]any)) != 1 || !strings.Contains(c["warnings"].([]any)[0].(map[string]any)["message"].(string), "8 weeks") {
			t.Fatalf("errors: %v warnings %v", body, c["warnings"])
		}
		// Out of range, unknown option, unknown attribute: errors naming each.
		c = configure(map[string]any{"configuration": map[string]any{"disk_tb": "65", "cpu": "c99", "color": "red"}})
		attrs := map[string]bool{}
		for _, e := range c["errors"].([]any) {
			attrs[e.(map[string]any)["attribute"].(string)] = true
		}
		if !attrs["disk_tb"] || !attrs["cpu"] || !attrs["color"] {
			t.Fatalf("attribute errors: %v", c["errors"])
		}
		// A filter rule for an enterprise account hides c8, and option
		// prices come from the account's default book.
		book := a.must(201, "POST", "/api/v1/price-books", admin, map[string]any{"name": "USD", "currency": "USD", "is_default": true}).str(t, "id")
		a.must(201, "POST", "/api/v1/price-books/"+book+"/entries", admin, map[string]any{"product_id": srv, "unit_price": "1000", "option_prices": map[string]any{"cpu.c16": "450"}})
		acc := a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Ent", "currency": "USD", "segment": "enterprise"}).str(t, "id")
		c = configure(map[string]any{"account_id": acc, "configuration": map[string]any{"cpu": "c8"}})
		var cpu map[string]any
		for _, at := range c["attributes"].([]any) {
			if at.(map[string]any)["code"] == "cpu" {
				cpu = at.(map[string]any)
			}
		}
		opts := cpu["allowed_options"].([]any)
		if c["valid"] != false || len(opts) != 1 || opts[0].(map[string]any)["code"] != "c16" || opts[0].(map[string]any)["price_delta"] != "450.00" {
			t.Fatalf("filter: valid %v, options %v", c["valid"], opts)
		}
		a.must(404, "POST", "/api/v1/products/prd_nope/configure", tm.rep, map[string]any{"configuration": map[string]any{}})
		a.must(204, "DELETE", base+"/"+alert.str(t, "id"), admin, nil)
	})
}
