package catalog

import (
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

func dp(s string) *decimal.Decimal { d := decimal.RequireFromString(s); return &d }

func TestValidateProduct(t *testing.T) {
	base := func() Product {
		return Product{ID: "p1", SKU: "SRV-1", Name: "Server", Family: "hardware", Kind: KindGood, UOM: "each", TaxCategory: "standard"}
	}
	cases := []struct {
		name  string
		edit  func(*Product)
		field string // "" means valid
	}{
		{"valid", func(*Product) {}, ""},
		{"blank name", func(p *Product) { p.Name = " " }, "name"},
		{"bad family", func(p *Product) { p.Family = "Hard Ware" }, "family"},
		{"negative cost", func(p *Product) { p.UnitCost = decimal.NewFromInt(-1) }, "unit_cost"},
		{"service with stock", func(p *Product) { p.Kind = KindService; p.TrackInventory = true }, "track_inventory"},
		{"enum without options", func(p *Product) { p.Attributes = []Attribute{{Code: "cpu", Name: "CPU", Type: Enum}} }, "attributes[0].options"},
		{"duplicate attribute", func(p *Product) {
			a := Attribute{Code: "x", Name: "X", Type: Boolean}
			p.Attributes = []Attribute{a, a}
		}, "attributes[1].code"},
		{"duplicate option", func(p *Product) {
			p.Attributes = []Attribute{{Code: "c", Name: "C", Type: Enum, Options: []Option{{Code: "a", Label: "A"}, {Code: "a", Label: "A"}}}}
		}, "attributes[0].options[1].code"},
		{"enum default unknown", func(p *Product) {
			p.Attributes = []Attribute{{Code: "c", Name: "C", Type: Enum, Default: "z", Options: []Option{{Code: "a", Label: "A"}}}}
		}, "attributes[0].default"},
		{"number min over max", func(p *Product) {
			p.Attributes = []Attribute{{Code: "n", Name: "N", Type: Number, Min: dp("5"), Max: dp("1")}}
		}, "attributes[0].max"},
		{"number zero step", func(p *Product) { p.Attributes = []Attribute{{Code: "n", Name: "N", Type: Number, Step: dp("0")}} }, "attributes[0].step"},
		{"number default outside", func(p *Product) {
			p.Attributes = []Attribute{{Code: "n", Name: "N", Type: Number, Min: dp("1"), Max: dp("4"), Default: "9"}}
		}, "attributes[0].default"},
		{"boolean with options", func(p *Product) {
			p.Attributes = []Attribute{{Code: "b", Name: "B", Type: Boolean, Options: []Option{{Code: "a", Label: "A"}}}}
		}, "attributes[0].type"},
		{"unknown type", func(p *Product) { p.Attributes = []Attribute{{Code: "t", Name: "T", Type: "text"}} }, "attributes[0].type"},
		{"bundle contains itself", func(p *Product) { p.Components = []Component{{ProductID: "p1", Quantity: decimal.NewFromInt(1)}} }, "components[0].product_id"},
		{"component twice", func(p *Product) {
			c := Component{ProductID: "p2", Quantity: decimal.NewFromInt(1)}
			p.Components = []Component{c, c}
		}, "components[1].product_id"},
		{"component zero quantity", func(p *Product) { p.Components = []Component{{ProductID: "p2"}} }, "components[0].quantity"},
	}
	for _, c := range cases {
		p := base()
		c.edit(&p)
		err := validateProduct(p)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: got %v, want valid", c.name, err)
			}
			continue
		}
		qe, ok := err.(*quotient.Error)
		if !ok || qe.Field != c.field {
			t.Errorf("%s: got %v, want a problem with %s", c.name, err, c.field)
		}
	}
}

func TestReadSheetRejectsBadHeaders(t *testing.T) {
	for _, c := range []struct{ csv, want string }{
		{"", "the file is empty"},
		{"sku,name\n", "required column is missing"},
		{"sku,name,family,sku\n", "column appears twice"},
		{"sku,name,family,price\n", "unknown column"},
	} {
		_, err := readSheet(strings.NewReader(c.csv), ProductColumns, []string{"sku", "name", "family"})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.csv, err, c.want)
		}
	}
}
