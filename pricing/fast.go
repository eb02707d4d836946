package pricing

import (
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// The common shapes of conditions and formulas (comparisons of known
// fields with constants, and/or/not, membership in a list, decimal
// arithmetic) are compiled from the type-checked, decimal-patched tree into
// Go closures, which run without the VM. Anything else falls back to
// expr. TestFastPathAgreesWithVM checks they always agree.

type boolFn func(*LineEnv) bool
type decFn func(*LineEnv) decimal.Decimal

var decFields = map[string]func(*LineEnv) decimal.Decimal{
	"line.quantity":            func(e *LineEnv) decimal.Decimal { return e.Line.Quantity },
	"line.list_price":          func(e *LineEnv) decimal.Decimal { return e.Line.ListPrice },
	"line.unit_price":          func(e *LineEnv) decimal.Decimal { return e.Line.UnitPrice },
	"line.manual_discount_pct": func(e *LineEnv) decimal.Decimal { return e.Line.ManualDiscountPct },
	"product.unit_cost":        func(e *LineEnv) decimal.Decimal { return e.Product.UnitCost },
	"quote.list_total":         func(e *LineEnv) decimal.Decimal { return e.Quote.ListTotal },
}

var strFields = map[string]func(*LineEnv) string{
	"product.id":           func(e *LineEnv) string { return e.Product.ID },
	"product.sku":          func(e *LineEnv) string { return e.Product.SKU },
	"product.name":         func(e *LineEnv) string { return e.Product.Name },
	"product.family":       func(e *LineEnv) string { return e.Product.Family },
	"product.kind":         func(e *LineEnv) string { return e.Product.Kind },
	"product.tax_category": func(e *LineEnv) string { return e.Product.TaxCategory },
	"account.id":           func(e *LineEnv) string { return e.Account.ID },
	"account.name":         func(e *LineEnv) string { return e.Account.Name },
	"account.segment":      func(e *LineEnv) string { return e.Account.Segment },
	"account.industry":     func(e *LineEnv) string { return e.Account.Industry },
	"account.tax_region":   func(e *LineEnv) string { return e.Account.TaxRegion },
	"account.currency":     func(e *LineEnv) string { return e.Account.Currency },
	"quote.currency":       func(e *LineEnv) string { return e.Quote.Currency },
}

func fastBool(n ast.Node) (boolFn, bool) {
	switch x := n.(type) {
	case *ast.BoolNode:
		v := x.Value
		return func(*LineEnv) bool { return v }, true
	case *ast.UnaryNode:
		if x.Operator == "not" || x.Operator == "!" {
			f, ok := fastBool(x.Node)
			return func(e *LineEnv) bool { return !f(e) }, ok
		}
	case *ast.BinaryNode:
		switch x.Operator {
		case "and", "&&", "or", "||":
			l, ok1 := fastBool(x.Left)
			r, ok2 := fastBool(x.Right)
			if !ok1 || !ok2 {
				return nil, false
			}
			if x.Operator == "and" || x.Operator == "&&" {
				return func(e *LineEnv) bool { return l(e) && r(e) }, true
			}
			return func(e *LineEnv) bool { return l(e) || r(e) }, true
		case "==", "!=":
			f, s, ok := fieldAndString(x.Left, x.Right)
			if !ok {
				f, s, ok = fieldAndString(x.Right, x.Left)
			}
			if !ok {
				return nil, false
			}
			if x.Operator == "==" {
				return func(e *LineEnv) bool { return f(e) == s }, true
			}
			return func(e *LineEnv) bool { return f(e) != s }, true
		case "in", "not in":
			name, ok := fieldOf(x.Left)
			f, known := strFields[name]
			values, ok2 := stringSet(x.Right)
			if !ok || !known || !ok2 {
				return nil, false
			}
			set := make(map[string]bool, len(values))
			for _, v := range values {
				set[v] = true
			}
			if x.Operator == "in" {
				return func(e *LineEnv) bool { return set[f(e)] }, true
			}
			return func(e *LineEnv) bool { return !set[f(e)] }, true
		}
	case *ast.CallNode:
		id, ok := x.Callee.(*ast.IdentifierNode)
		if !ok || len(x.Arguments) != 2 {
			return nil, false
		}
		l, ok1 := fastDec(x.Arguments[0])
		r, ok2 := fastDec(x.Arguments[1])
		if !ok1 || !ok2 {
			return nil, false
		}
		switch id.Value {
		case "__lt":
			return func(e *LineEnv) bool { return l(e).LessThan(r(e)) }, true
		case "__le":
			return func(e *LineEnv) bool { return l(e).LessThanOrEqual(r(e)) }, true
		case "__gt":
			return func(e *LineEnv) bool { return l(e).GreaterThan(r(e)) }, true
		case "__ge":
			return func(e *LineEnv) bool { return l(e).GreaterThanOrEqual(r(e)) }, true
		case "__eq":
			return func(e *LineEnv) bool { return l(e).Equal(r(e)) }, true
		case "__ne":
			return func(e *LineEnv) bool { return !l(e).Equal(r(e)) }, true
		}
	}
	return nil, false
}

func fieldAndString(a, b ast.Node) (func(*LineEnv) string, string, bool) {
	name, ok := fieldOf(a)
	f, known := strFields[name]
	s, isStr := b.(*ast.StringNode)
	if !ok || !known || !isStr {
		return nil, "", false
	}
	return f, s.Value, true
}

// fastDec compiles decimal arithmetic that cannot fail (no division, whose
// zero divisor is the rule's error, handled by the VM).
func fastDec(n ast.Node) (decFn, bool) {
	switch x := n.(type) {
	case *ast.ConstantNode:
		if v, ok := x.Value.(decimal.Decimal); ok {
			return func(*LineEnv) decimal.Decimal { return v }, true
		}
	case *ast.IntegerNode:
		v := decimal.NewFromInt(int64(x.Value))
		return func(*LineEnv) decimal.Decimal { return v }, true
	case *ast.MemberNode:
		name, ok := fieldOf(x)
		f, known := decFields[name]
		return f, ok && known
	case *ast.CallNode:
		id, ok := x.Callee.(*ast.IdentifierNode)
		if !ok {
			return nil, false
		}
		if id.Value == "__neg" && len(x.Arguments) == 1 {
			a, ok := fastDec(x.Arguments[0])
			return func(e *LineEnv) decimal.Decimal { return a(e).Neg() }, ok
		}
		if id.Value == "__dec" && len(x.Arguments) == 1 {
			return fastDec(x.Arguments[0])
		}
		if len(x.Arguments) != 2 {
			return nil, false
		}
		a, ok1 := fastDec(x.Arguments[0])
		b, ok2 := fastDec(x.Arguments[1])
		if !ok1 || !ok2 {
			return nil, false
		}
		switch id.Value {
		case "__add":
			return func(e *LineEnv) decimal.Decimal { return a(e).Add(b(e)) }, true
		case "__sub":
			return func(e *LineEnv) decimal.Decimal { return a(e).Sub(b(e)) }, true
		case "__mul":
			return func(e *LineEnv) decimal.Decimal { return a(e).Mul(b(e)) }, true
		case "min":
			return func(e *LineEnv) decimal.Decimal { return decimal.Min(a(e), b(e)) }, true
		case "max":
			return func(e *LineEnv) decimal.Decimal { return decimal.Max(a(e), b(e)) }, true
		}
	}
	return nil, false
}

// explain renders the values of the fields a rule reads, for the trace:
// `line.quantity is 12, product.family is "hardware"`.
func explain(paths []string, e *LineEnv, qty string) string {
	var b strings.Builder
	for _, p := range paths {
		var v string
		if p == "line.quantity" {
			v = qty
		} else if f, ok := decFields[p]; ok {
			v = f(e).String()
		} else if f, ok := strFields[p]; ok {
			v = `"` + f(e) + `"`
		} else if k, ok := strings.CutPrefix(p, "config."); ok {
			x, present := e.Config[k]
			if !present {
				v = "not set"
			} else {
				v = showAny(x)
			}
		} else {
			switch p {
			case "line.number":
				v = decimal.NewFromInt(int64(e.Line.Number)).String()
			case "quote.line_count":
				v = decimal.NewFromInt(int64(e.Quote.LineCount)).String()
			default:
				continue
			}
		}
		if b.Len() > 0 {
			b.WriteString(", ")
		}
		b.WriteString(p)
		b.WriteString(" is ")
		b.WriteString(v)
	}
	return b.String()
}

func showAny(x any) string {
	switch v := x.(type) {
	case string:
		return `"` + v + `"`
	case decimal.Decimal:
		return v.String()
	case bool:
		if v {
			return "true"
		}
		return "false"
	case time.Time:
		return v.Format(time.DateOnly)
	}
	return "a value"
}
