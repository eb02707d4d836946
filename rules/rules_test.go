package rules

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

type lineFacts struct {
	Quantity  decimal.Decimal `expr:"quantity"`
	ListPrice decimal.Decimal `expr:"list_price"`
	Count     int             `expr:"count"`
}

type productFacts struct {
	Family string `expr:"family"`
	SKU    string `expr:"sku"`
}

type env struct {
	Line        lineFacts      `expr:"line"`
	Product     productFacts   `expr:"product"`
	PricingDate time.Time      `expr:"pricing_date"`
	Tags        []string       `expr:"tags"`
	Config      map[string]any `expr:"config"`
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var sample = env{Line: lineFacts{Quantity: d("12"), ListPrice: d("19.99"), Count: 3},
	Product: productFacts{Family: "hardware", SKU: "SRV-1"}, PricingDate: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
	Tags: []string{"a", "b"}, Config: map[string]any{"storage_tb": d("8"), "cpu": "c32", "rails": true}}

func TestDecimalArithmeticIsExact(t *testing.T) {
	cases := []struct{ src, want string }{
		{"line.list_price * 3 - 0.01", "59.96"},
		{"0.1 + 0.2", "0.3"},
		{"line.list_price * 0.9", "17.991"},
		{"1 / 4 * 4", "1"},
		{"1 / 3", "0.3333333333333333"}, // division carries 16 decimal places
		{"-line.list_price + 20", "0.01"},
		{"round(line.list_price / 3, 2)", "6.66"},
		{"round(2.5, 0)", "3"},
		{"max(line.list_price - 30, 0)", "0"},
		{"min(line.list_price, 10)", "10"},
		{"abs(0 - line.list_price)", "19.99"},
		{"line.quantity >= 10 ? line.list_price * 0.95 : line.list_price", "18.9905"},
		{"line.count * 2", "6"},
		{"line.count + line.quantity", "15"},
		{"99", "99"},
		{"line.list_price % 5", "4.99"},
	}
	for _, c := range cases {
		p, err := Compile(c.src, env{}, Decimal)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		got, err := p.Decimal(sample)
		if err != nil || !got.Equal(d(c.want)) {
			t.Errorf("%s: got %s (%v), want %s", c.src, got, err, c.want)
		}
	}
}

func TestConditions(t *testing.T) {
	cases := []struct {
		src  string
		want bool
	}{
		{"line.quantity >= 10", true},
		{"line.quantity == 12", true},
		{"line.quantity == 12.0", true},
		{"line.list_price < 20 and product.family == 'hardware'", true},
		{"product.sku in ['SRV-1', 'SRV-2']", true},
		{"product.sku contains 'SRV'", true},
		{"'a' in tags", true},
		{"pricing_date >= date('2026-11-01') and pricing_date < date('2026-12-01')", true},
		{"month(pricing_date) == 11 and year(pricing_date) == 2026", true},
		{"days_between(date('2026-11-01'), pricing_date) == 25", true},
		{"line.quantity != 12", false},
		{"config.storage_tb >= 8 and config.cpu == 'c32' and config.rails", true},
		{"config.storage_tb * 2 > 15.5", true},
	}
	for _, c := range cases {
		p, err := Compile(c.src, env{}, Bool)
		if err != nil {
			t.Errorf("%s: %v", c.src, err)
			continue
		}
		got, err := p.Bool(sample)
		if err != nil || got != c.want {
			t.Errorf("%s: got %v (%v), want %v", c.src, got, err, c.want)
		}
	}
}

func TestBadRulesAreCompileErrors(t *testing.T) {
	cases := []struct {
		src   string
		want  Result
		match string
	}{
		{"line.quantity >=", Bool, "line 1"},
		{"line.qty > 1", Bool, "has no field qty"},
		{"nosuch > 1", Bool, "unknown name nosuch"},
		{"line.quantity", Bool, "must be true or false"},
		{"product.family", Decimal, "must give a number"},
		{"1..1e9", Bool, ""},
		{strings.Repeat("(", 500) + "1" + strings.Repeat(")", 500), Decimal, "nested more than"},
		{strings.Repeat("1 + ", 300000) + "1", Decimal, "characters long"},
		{"", Bool, "empty"},
		{"now() > pricing_date", Bool, ""},
		{"product.family + 1", Decimal, ""},
		{strings.Repeat("line.quantity + ", 900) + "1", Decimal, ""},
	}
	for _, c := range cases {
		_, err := Compile(c.src, env{}, c.want)
		if err == nil {
			t.Errorf("%.60s: compiled, want an error", c.src)
			continue
		}
		if _, ok := err.(*CompileError); !ok {
			t.Errorf("%.60s: error %T, want *CompileError", c.src, err)
		}
		if !strings.Contains(err.Error(), c.match) {
			t.Errorf("%.60s: %v, want it to mention %q", c.src, err, c.match)
		}
	}
}

func TestEvaluationErrorsAreRuleErrors(t *testing.T) {
	p, err := Compile("line.list_price / (line.quantity - 12)", env{}, Decimal)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Decimal(sample); err == nil || !strings.Contains(err.Error(), "division by zero") {
		t.Fatalf("got %v, want division by zero", err)
	}
	big, err := Compile("len(map(1..100000, # * 2)) > 0", env{}, Bool)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := big.Bool(sample); err == nil || !strings.Contains(err.Error(), "memory budget") {
		t.Fatalf("got %v, want memory budget exceeded", err)
	}
}

func TestExplain(t *testing.T) {
	p, err := Compile("line.quantity >= 50 and product.family == 'software'", env{}, Bool)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Explain(sample); got != `line.quantity is 12, product.family is "hardware"` {
		t.Fatalf("Explain: %s", got)
	}
}

func TestCacheSharesPrograms(t *testing.T) {
	var c Cache
	a, err := c.Get("r1", 1, "line.quantity > 1", env{}, Bool)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Get("r1", 1, "line.quantity > 1", env{}, Bool)
	n, _ := c.Get("r1", 2, "line.quantity > 2", env{}, Bool)
	if a != b || a == n {
		t.Fatal("cache did not share by id and version")
	}
	done := make(chan bool)
	for range 8 {
		go func() {
			for range 200 {
				if ok, err := a.Bool(sample); !ok || err != nil {
					t.Error("concurrent evaluation failed")
				}
			}
			done <- true
		}()
	}
	for range 8 {
		<-done
	}
}
