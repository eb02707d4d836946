package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// everyRead is, for every GET endpoint of the API, what each role gets
// when it reads the demo company's records of Lumière Retail SA (an
// account Priya owns): admin, finance, the manager (Daniel), the owner
// (Priya), a peer rep (Kenji) and a rep outside the team.
var everyRead = map[string][6]int{
	"/accounts":                                  {200, 200, 200, 200, 200, 200},
	"/accounts/{id}":                             {200, 200, 200, 200, 200, 200},
	"/accounts/{id}/contacts":                    {200, 200, 200, 200, 200, 200},
	"/accounts/{id}/contacts/{contact_id}":       {200, 200, 200, 200, 200, 200},
	"/accounts/{id}/history":                     {200, 200, 200, 200, 200, 200},
	"/accounts/{id}/summary":                     {200, 200, 200, 200, 404, 404},
	"/accounts/{id}/team":                        {200, 200, 200, 200, 200, 200},
	"/admin/check":                               {200, 200, 403, 403, 403, 403},
	"/approval-rules":                            {200, 200, 200, 200, 200, 200},
	"/approval-rules/{id}":                       {200, 200, 200, 200, 200, 200},
	"/cases":                                     {200, 200, 200, 200, 200, 200},
	"/cases/{id}":                                {404, 404, 404, 404, 404, 404}, // no case: 404 alike
	"/commission-plans":                          {200, 200, 200, 200, 200, 200},
	"/commission-plans/{id}":                     {200, 200, 200, 200, 200, 404}, // Priya's and Kenji's plan
	"/commission-plans/{id}/assignments":         {200, 200, 200, 200, 200, 404},
	"/commissions":                               {200, 200, 200, 200, 200, 200},
	"/commissions/statements/{user_id}/{period}": {200, 200, 200, 200, 403, 403},
	"/credit-notes":                              {200, 200, 200, 200, 200, 200},
	"/credit-notes/{id}":                         {200, 200, 200, 200, 404, 404},
	"/discount-schedules":                        {200, 200, 200, 200, 200, 200},
	"/discount-schedules/{id}":                   {200, 200, 200, 200, 200, 200},
	"/dunning-levels":                            {200, 200, 200, 200, 200, 200},
	"/dunning-levels/{id}":                       {200, 200, 200, 200, 200, 200},
	"/inventory":                                 {200, 200, 200, 200, 200, 200},
	"/inventory/movements":                       {200, 200, 200, 200, 200, 200},
	"/invoices":                                  {200, 200, 200, 200, 200, 200},
	"/invoices/{id}":                             {200, 200, 200, 200, 404, 404},
	"/invoices/{id}/pdf":                         {200, 200, 200, 200, 404, 404},
	"/ledger/accounts":                           {200, 200, 200, 403, 403, 403},
	"/ledger/accounts/{code}":                    {200, 200, 200, 403, 403, 403},
	"/ledger/accounts/{code}/ledger":             {200, 200, 200, 403, 403, 403},
	"/ledger/entries":                            {200, 200, 200, 403, 403, 403},
	"/ledger/entries/{id}":                       {200, 200, 200, 403, 403, 403},
	"/ledger/periods/{period}":                   {200, 200, 200, 403, 403, 403},
	"/me":                                        {200, 200, 200, 200, 200, 200},
	"/opportunities":                             {200, 200, 200, 200, 200, 200},
	"/opportunities/{id}":                        {200, 200, 200, 200, 200, 200},
	"/opportunities/{id}/splits":                 {200, 200, 200, 200, 200, 200},
	"/orders":                                    {200, 200, 200, 200, 200, 200},
	"/orders/{id}":                               {200, 200, 200, 200, 404, 404},
	"/orders/{id}/fulfillments":                  {200, 200, 200, 200, 404, 404},
	"/payments":                                  {200, 200, 200, 200, 200, 200},
	"/payments/{id}":                             {200, 200, 200, 200, 404, 404},
	"/price-books":                               {200, 200, 200, 200, 200, 200},
	"/price-books/{id}":                          {200, 200, 200, 200, 200, 200},
	"/price-books/{id}/entries":                  {200, 200, 200, 200, 200, 200},
	"/price-books/{id}/entries/{entry_id}":       {200, 200, 200, 200, 200, 200},
	"/price-rules":                               {200, 200, 200, 200, 200, 200},
	"/price-rules/{id}":                          {200, 200, 200, 200, 200, 200},
	"/price-rules/{id}/versions":                 {200, 200, 200, 200, 200, 200},
	"/products":                                  {200, 200, 200, 200, 200, 200},
	"/products/{id}":                             {200, 200, 200, 200, 200, 200},
	"/products/{id}/rules":                       {200, 200, 200, 200, 200, 200},
	"/products/{id}/rules/{rule_id}":             {200, 200, 200, 200, 200, 200},
	"/quotes":                                    {200, 200, 200, 200, 200, 200},
	"/quotes/{id}":                               {200, 200, 200, 200, 404, 404},
	"/quotes/{id}/approvals":                     {200, 200, 200, 200, 404, 404},
	"/quotes/{id}/delivery":                      {200, 200, 200, 200, 404, 404},
	"/quotes/{id}/diff":                          {200, 200, 200, 200, 404, 404},
	"/quotes/{id}/history":                       {200, 200, 200, 200, 404, 404},
	"/quotes/{id}/pdf":                           {200, 200, 200, 200, 404, 404},
	"/quotes/{id}/versions":                      {200, 200, 200, 200, 404, 404},
	"/reports/ar-aging":                          {200, 200, 200, 403, 403, 403},
	"/reports/ar-reconciliation":                 {200, 200, 200, 403, 403, 403},
	"/reports/customer-statement":                {200, 200, 200, 200, 404, 404},
	"/reports/kpis":                              {200, 200, 200, 403, 403, 403},
	"/reports/subscription-metrics":              {200, 200, 200, 403, 403, 403},
	"/reports/revenue-schedule":                  {200, 200, 200, 403, 403, 403},
	"/contracts":                                 {200, 200, 200, 200, 200, 200},
	"/contracts/{id}":                            {200, 200, 200, 200, 404, 404},
	"/reports/trial-balance":                     {200, 200, 200, 403, 403, 403},
	"/reservations":                              {200, 200, 200, 200, 404, 404},
	"/settings":                                  {200, 200, 200, 200, 200, 200},
	"/tax-rates":                                 {200, 200, 200, 200, 200, 200},
	"/exchange-rates":                            {200, 200, 200, 200, 200, 200},
	"/reports/income-statement":                  {200, 200, 200, 403, 403, 403},
	"/reports/balance-sheet":                     {200, 200, 200, 403, 403, 403},
	"/exchange-rates/{id}":                       {200, 200, 200, 200, 200, 200},
	"/bank-statements":                           {200, 200, 200, 403, 403, 403},
	"/bank-statements/{id}":                      {404, 404, 404, 403, 403, 403}, // the demo has none
	"/dunning/next":                              {200, 200, 403, 403, 403, 403},
	"/close/{period}":                            {200, 200, 200, 403, 403, 403},
	"/ledger/periods/{period}/revaluation":       {200, 200, 200, 403, 403, 403},
	"/exchange-rates/effective":                  {200, 200, 200, 200, 200, 200},
	"/tax-rates/{id}":                            {200, 200, 200, 200, 200, 200},
	"/users":                                     {200, 200, 200, 200, 200, 200},
	"/users/{id}":                                {200, 200, 200, 200, 200, 404},
	"/users/{id}/performance":                    {200, 200, 200, 200, 403, 403},
	"/users/{id}/tokens":                         {200, 403, 403, 200, 403, 403},
	"/warehouses":                                {200, 200, 200, 200, 200, 200},
	"/warehouses/{id}":                           {200, 200, 200, 200, 200, 200},
}

// TestEveryReadForEveryRole calls every GET endpoint of the API (from its
// OpenAPI description, so a new endpoint cannot be forgotten) as every
// role, on the demo company, and compares each answer with the table.
func TestEveryReadForEveryRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, map[string]string{"QUOTIENT_BOOTSTRAP_TOKEN": ""}, "serve", "--demo")
		toks := demoTokens(t, a.out.String())
		admin, fin := toks["mira.okafor@northwind.example"], toks["sofia.lindqvist@northwind.example"]
		out := as[server.UserJSON](t, a.must(201, "POST", "/api/v1/users", admin, map[string]any{"name": "Olga Outsider", "email": "olga@northwind.example",
			"role": "sales_rep"})).ID
		outsider := a.must(201, "POST", "/api/v1/tokens", admin, map[string]any{"user_id": out, "name": "test"}).str(t, "token")
		roles := [6]string{admin, fin, toks["daniel.reyes@northwind.example"], toks["priya.nair@northwind.example"], toks["kenji.watanabe@northwind.example"], outsider}

		first := func(path, token string) string {
			t.Helper()
			list := a.must(200, "GET", path, token, nil).list(t)
			if len(list) == 0 {
				t.Fatalf("nothing at %s", path)
			}
			for _, k := range []string{"id", "code", "entry_id"} {
				if v, ok := list[0][k].(string); ok {
					return v
				}
			}
			t.Fatalf("no id at %s: %v", path, list[0])
			return ""
		}
		acc := ""
		for _, x := range a.must(200, "GET", "/api/v1/accounts?limit=200", admin, nil).list(t) {
			if x["name"] == "Lumière Retail SA" {
				acc = x["id"].(string)
			}
		}
		priya := as[server.UserJSON](t, a.must(200, "GET", "/api/v1/me", roles[3], nil)).ID
		quoteID := first("/api/v1/quotes?account_id="+acc, admin)
		order := first("/api/v1/orders?account_id="+acc, admin)
		product := first("/api/v1/products?q=atlas", admin)
		book := first("/api/v1/price-books", admin)
		// Priya's account subscribes to seats: a contract to read.
		cur := as[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts/"+acc, admin, nil)).Currency
		seat := a.must(201, "POST", "/api/v1/products", admin, map[string]any{"sku": "READ-SEAT", "name": "Seat", "family": "software", "kind": "service",
			"billing_type": "recurring", "billing_period": "month"}).str(t, "id")
		for _, b := range page[server.PriceBookJSON](t, a.must(200, "GET", "/api/v1/price-books?limit=100", admin, nil)) {
			if b.Currency == cur {
				a.must(201, "POST", "/api/v1/price-books/"+b.ID+"/entries", admin, map[string]any{"product_id": seat, "unit_price": "10"})
			}
		}
		sq := a.must(201, "POST", "/api/v1/quotes", roles[3], map[string]any{"account_id": acc,
			"lines": []any{map[string]any{"product_id": seat, "quantity": "5", "start_date": time.Now().Format(time.DateOnly)}}}).str(t, "id")
		a.must(200, "POST", "/api/v1/quotes/"+sq+"/submit", roles[3], nil)
		a.must(201, "POST", "/api/v1/quotes/"+sq+"/convert", roles[3], nil)
		ids := map[string]string{
			"/accounts/{id}": acc, "/contacts/{contact_id}": first("/api/v1/accounts/"+acc+"/contacts", admin),
			"/approval-rules/{id}": first("/api/v1/approval-rules", admin), "/commission-plans/{id}": first("/api/v1/commission-plans", admin),
			"/credit-notes/{id}": first("/api/v1/credit-notes?account_id="+acc, fin), "/discount-schedules/{id}": first("/api/v1/discount-schedules", admin),
			"/dunning-levels/{id}": first("/api/v1/dunning-levels", admin), "/invoices/{id}": first("/api/v1/invoices?account_id="+acc, fin),
			"/accounts/{code}": "1100", "/entries/{id}": first("/api/v1/ledger/entries", fin), "/periods/{period}": "2026-01",
			"/opportunities/{id}": first("/api/v1/opportunities?account_id="+acc, admin), "/orders/{id}": order,
			"/payments/{id}": first("/api/v1/payments?account_id="+acc, fin), "/price-books/{id}": book,
			"/entries/{entry_id}": first("/api/v1/price-books/"+book+"/entries", admin), "/price-rules/{id}": first("/api/v1/price-rules", admin),
			"/products/{id}": product, "/rules/{rule_id}": first("/api/v1/products/"+product+"/rules", admin), "/quotes/{id}": quoteID,
			"/tax-rates/{id}": first("/api/v1/tax-rates", admin), "/exchange-rates/{id}": first("/api/v1/exchange-rates", admin), "/users/{id}": priya, "/statements/{user_id}/{period}": priya + "/2026-11",
			"/warehouses/{id}": first("/api/v1/warehouses", admin), "/cases/{id}": "case_none",
			"/contracts/{id}":       first("/api/v1/contracts?account_id="+acc, admin),
			"/bank-statements/{id}": "bst_none", "/close/{period}": "2026-11",
		}
		query := map[string]string{"/reservations": "order_id=" + order, "/exchange-rates/effective": "currency=EUR&date=" + time.Now().Format(time.DateOnly), "/quotes/{id}/diff": "from=1&to=1",
			"/reports/customer-statement": "account_id=" + acc, "/ledger/accounts/{code}/ledger": "currency=USD"}
		var spec struct {
			Paths map[string]map[string]any `json:"paths"`
		}
		if err := json.Unmarshal(a.must(200, "GET", "/api/v1/openapi.json", "", nil).body, &spec); err != nil {
			t.Fatal(err)
		}
		var paths []string
		for p, ops := range spec.Paths {
			if _, ok := ops["get"]; ok && strings.HasPrefix(p, "/api/v1/") && p != "/api/v1/openapi.json" {
				paths = append(paths, p)
			}
		}
		sort.Strings(paths)
		param := regexp.MustCompile(`/[a-z-]+/\{[a-z_]+\}(/\{[a-z_]+\})?`)
		var table []string
		for _, p := range paths {
			concrete := param.ReplaceAllStringFunc(p, func(seg string) string {
				for k, v := range ids {
					if strings.HasSuffix(seg, k) {
						return strings.TrimSuffix(seg, k[strings.Index(k[1:], "/")+1:]) + "/" + v
					}
				}
				t.Fatalf("no id for %s in %s", seg, p)
				return ""
			})
			tpl := strings.TrimPrefix(p, "/api/v1")
			if q, ok := query[tpl]; ok {
				concrete += "?" + q
			}
			var got [6]int
			for i, tok := range roles {
				got[i] = a.call("GET", concrete, tok, nil).status
				if got[i] >= 500 {
					t.Errorf("GET %s as role %d: %d", concrete, i, got[i])
				}
			}
			table = append(table, fmt.Sprintf("%q: {%d, %d, %d, %d, %d, %d},", tpl, got[0], got[1], got[2], got[3], got[4], got[5]))
			if want, ok := everyRead[tpl]; !ok {
				t.Errorf("no expectation for GET %s", tpl)
			} else if want != got {
				t.Errorf("GET %s: admin, finance, manager, owner, peer, outsider got %v, want %v", tpl, got, want)
			}
		}
		if t.Failed() {
			t.Logf("the answers:\n%s", strings.Join(table, "\n"))
		}
	})
}
