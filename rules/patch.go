package rules

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

var (
	decType  = reflect.TypeOf(decimal.Decimal{})
	intType  = reflect.TypeOf(0)
	boolType = reflect.TypeOf(true)
	anyType  = reflect.TypeOf((*any)(nil)).Elem()
	opToFunc = map[string]string{"+": "__add", "-": "__sub", "*": "__mul", "/": "__div", "%": "__mod",
		"<": "__lt", "<=": "__le", ">": "__gt", ">=": "__ge", "==": "__eq", "!=": "__ne"}
	cmpOps = map[string]bool{"<": true, "<=": true, ">": true, ">=": true, "==": true, "!=": true}
)

func isDec(t reflect.Type) bool { return t == decType }

func isInt(t reflect.Type) bool {
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// decimalPatcher makes arithmetic exact. Float literals become decimal
// constants (from their shortest decimal form, so 0.01 is exactly 0.01);
// any arithmetic or comparison with a decimal operand, and any division,
// becomes a call to an exact decimal function, converting integer operands.
// Integer-only +, -, * and % stay integer (they are exact already).
type decimalPatcher struct{ applied bool }

func (p *decimalPatcher) Reset()             { p.applied = false }
func (p *decimalPatcher) ShouldRepeat() bool { return p.applied }

func call(fn string, ret reflect.Type, args ...ast.Node) *ast.CallNode {
	c := &ast.CallNode{Callee: &ast.IdentifierNode{Value: fn}, Arguments: args}
	c.SetType(ret)
	return c
}

func (p *decimalPatcher) toDec(n ast.Node) ast.Node {
	if isDec(n.Type()) {
		return n
	}
	if isMapValue(n) {
		return call("__dec", decType, n)
	}
	if in, ok := n.(*ast.IntegerNode); ok {
		c := &ast.ConstantNode{Value: decimal.NewFromInt(int64(in.Value))}
		c.SetType(decType)
		return c
	}
	return call("__dec", decType, n)
}

func (p *decimalPatcher) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.FloatNode:
		c := &ast.ConstantNode{Value: decimal.NewFromFloat(n.Value)}
		c.SetType(decType)
		ast.Patch(node, c)
		p.applied = true
	case *ast.UnaryNode:
		if (n.Operator == "-" || n.Operator == "+") && isDec(n.Node.Type()) {
			if n.Operator == "-" {
				ast.Patch(node, call("__neg", decType, n.Node))
			} else {
				ast.Patch(node, n.Node)
			}
			p.applied = true
		}
	case *ast.BinaryNode:
		fn, ok := opToFunc[n.Operator]
		if !ok {
			return
		}
		l, r := n.Left.Type(), n.Right.Type()
		num := func(t reflect.Type) bool { return isDec(t) || isInt(t) }
		switch {
		case isDec(l) && (isDec(r) || isInt(r)), isInt(l) && isDec(r):
		case n.Operator == "/" && isInt(l) && isInt(r):
		// A value of unknown type (a configuration value) met with a
		// number is taken as a number; a non-number there is the rule's
		// error at evaluation.
		case isMapValue(n.Left) && num(r), num(l) && isMapValue(n.Right):
		default:
			return // leave it to the type checker (e.g. decimal + string is an error)
		}
		ret := decType
		if cmpOps[n.Operator] {
			ret = boolType
		}
		ast.Patch(node, call(fn, ret, p.toDec(n.Left), p.toDec(n.Right)))
		p.applied = true
	}
}

// isMapValue reports whether n reads a value out of a map (config.x),
// whose type is only known at evaluation. An unknown name also has no
// type during patching, so the map itself must be known.
func isMapValue(n ast.Node) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok || m.Node.Type() == nil {
		return false
	}
	return m.Node.Type().Kind() == reflect.Map && n.Type() == anyType
}

// paths collects the member paths an expression reads ("line.quantity"),
// for explaining why a condition was false.
type paths struct {
	seen map[string]bool
	list []string
}

func (p *paths) Visit(node *ast.Node) {
	m, ok := (*node).(*ast.MemberNode)
	if !ok {
		return
	}
	if s, ok := memberPath(m); ok && !p.seen[s] {
		p.seen[s] = true
		p.list = append(p.list, s)
	}
}

func memberPath(m *ast.MemberNode) (string, bool) {
	prop, ok := m.Property.(*ast.StringNode)
	if !ok {
		return "", false
	}
	switch base := m.Node.(type) {
	case *ast.IdentifierNode:
		return base.Value + "." + prop.Value, true
	case *ast.MemberNode:
		s, ok := memberPath(base)
		return s + "." + prop.Value, ok
	}
	return "", false
}
