package catalog

import (
	"sort"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Choice is one resolved attribute value of a configuration.
type Choice struct {
	Attribute Attribute
	// Value is the option code (enum), the decimal text (number) or
	// "true"/"false" (boolean).
	Value  string
	Number decimal.Decimal
	Option *Option
	// Defaulted is set when the value came from the attribute's default.
	Defaulted bool
}

// ResolveConfiguration checks a configuration against a product's
// attributes and fills in defaults: unknown attributes and options,
// numbers outside min/max or off-step, and missing required attributes are
// problems naming configuration.<attribute>.
func ResolveConfiguration(pr Product, cfg map[string]string) ([]Choice, error) {
	p := quotient.Problems{}
	known := map[string]bool{}
	var out []Choice
	for _, a := range pr.Attributes {
		known[a.Code] = true
		f := "configuration." + a.Code
		v, given := cfg[a.Code]
		c := Choice{Attribute: a, Value: v}
		if !given || v == "" {
			if a.Default == "" {
				if a.Required {
					p.Add(f, "is required: choose a %s", a.Name)
				}
				continue
			}
			c.Value, c.Defaulted = a.Default, true
		}
		switch a.Type {
		case Enum:
			for i := range a.Options {
				if a.Options[i].Code == c.Value {
					c.Option = &a.Options[i]
				}
			}
			if c.Option == nil {
				p.Add(f, "unknown option %q; choose one of %s", c.Value, optionCodes(a))
				continue
			}
		case Number:
			d, ok := quotient.ParseDecimal(c.Value)
			if !ok {
				p.Add(f, "must be a number (got %q)", c.Value)
				continue
			}
			switch {
			case a.Min != nil && d.LessThan(*a.Min):
				p.Add(f, "must be at least %s%s (got %s)", a.Min, unit(a), d)
				continue
			case a.Max != nil && d.GreaterThan(*a.Max):
				p.Add(f, "must be at most %s%s (got %s)", a.Max, unit(a), d)
				continue
			}
			if a.Step != nil {
				base := decimal.Zero
				if a.Min != nil {
					base = *a.Min
				}
				if !d.Sub(base).Mod(*a.Step).IsZero() {
					p.Add(f, "must be in steps of %s from %s (got %s)", a.Step, base, d)
					continue
				}
			}
			c.Number = d
		case Boolean:
			if c.Value != "true" && c.Value != "false" {
				p.Add(f, "must be true or false (got %q)", c.Value)
				continue
			}
		}
		out = append(out, c)
	}
	var extra []string
	for k := range cfg {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(extra)
	for _, k := range extra {
		p.Add("configuration."+k, "product %s has no attribute %q", pr.SKU, k)
	}
	return out, p.Err()
}

func optionCodes(a Attribute) string {
	s := ""
	for i, o := range a.Options {
		if i > 0 {
			s += ", "
		}
		s += o.Code
	}
	return s
}

func unit(a Attribute) string {
	if a.Unit == "" {
		return ""
	}
	return " " + a.Unit
}

// OptionPrice is an option's price in a book: the entry's override, else
// the option's own delta.
func OptionPrice(e Entry, attr string, o Option) decimal.Decimal {
	if v, ok := e.OptionPrices[attr+"."+o.Code]; ok {
		return v
	}
	return o.PriceDelta
}
