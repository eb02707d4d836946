package rules

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// Limits bound what a rule may be.
const (
	MaxSource    = 4000  // characters of source
	MaxDepth     = 40    // nesting of parentheses and brackets
	MaxNodes     = 800   // AST nodes after compilation
	MemoryBudget = 20000 // expr's allocation units per evaluation
)

// Result is the type a rule must produce.
type Result int

// The result kinds.
const (
	Bool    Result = iota // conditions
	Decimal               // formulas: a number, made exact
)

func (r Result) String() string {
	if r == Bool {
		return "true or false"
	}
	return "a number"
}

// Program is a compiled rule, safe for concurrent use.
type Program struct {
	Source string
	prog   *vm.Program
	result Result
	paths  []string
	probes map[string]*vm.Program
}

// Paths lists the fields the rule reads, such as "line.quantity".
func (p *Program) Paths() []string { return p.paths }

// Node is the compiled expression tree (for static analysis such as rule
// indexing). It must not be modified.
func (p *Program) Node() ast.Node { return p.prog.Node() }

// CompileError is a rule that does not compile, with where.
type CompileError struct {
	Line, Column int
	Message      string
}

func (e *CompileError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, e.Message)
	}
	return e.Message
}

// AsProblem turns a compile error into a 422 naming field.
func AsProblem(err error, field string) error {
	var ce *CompileError
	if errors.As(err, &ce) {
		e := quotient.FieldErrorf(quotient.Unprocessable, field, "%s", ce.Error())
		e.Err = err
		return e
	}
	return err
}

func precheck(src string) error {
	if strings.TrimSpace(src) == "" {
		return &CompileError{Message: "the expression is empty"}
	}
	if n := utf8.RuneCountInString(src); n > MaxSource {
		return &CompileError{Message: fmt.Sprintf("the expression is %d characters long; the limit is %d", n, MaxSource)}
	}
	depth, line, col := 0, 1, 0
	for _, r := range src {
		col++
		switch r {
		case '\n':
			line, col = line+1, 0
		case '(', '[', '{':
			depth++
			if depth > MaxDepth {
				return &CompileError{Line: line, Column: col, Message: fmt.Sprintf("nested more than %d levels deep", MaxDepth)}
			}
		case ')', ']', '}':
			depth--
		}
	}
	return nil
}

// Compile type-checks src against env (a value of the consumer's
// environment struct) and compiles it, requiring the given result. Every
// error is a *CompileError with the position expr reports.
func Compile(src string, env any, want Result) (p *Program, err error) {
	if err := precheck(src); err != nil {
		return nil, err
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &CompileError{Message: fmt.Sprintf("cannot compile: %v", r)}
		}
	}()
	opts := append(functions(), expr.Env(env), expr.Patch(&decimalPatcher{}), expr.MaxNodes(MaxNodes), expr.Optimize(true))
	prog, err := expr.Compile(src, opts...)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, &CompileError{Line: fe.Line, Column: fe.Column + 1, Message: fe.Message}
		}
		return nil, &CompileError{Message: err.Error()}
	}
	t := prog.Node().Type()
	switch want {
	case Bool:
		if t != boolType && t != anyType {
			return nil, &CompileError{Message: fmt.Sprintf("the expression must be true or false, but it gives %s", describe(t))}
		}
	case Decimal:
		if !isDec(t) && !isInt(t) && t != anyType {
			return nil, &CompileError{Message: fmt.Sprintf("the expression must give a number, but it gives %s", describe(t))}
		}
	}
	p = &Program{Source: src, prog: prog, result: want, probes: map[string]*vm.Program{}}
	pv := &paths{seen: map[string]bool{}}
	node := prog.Node()
	ast.Walk(&node, pv)
	p.paths = pv.list
	for _, path := range p.paths {
		if probe, err := expr.Compile(path, append(functions(), expr.Env(env))...); err == nil {
			p.probes[path] = probe
		}
	}
	return p, nil
}

func describe(t reflect.Type) string {
	switch {
	case t == nil:
		return "nothing"
	case isDec(t), isInt(t):
		return "a number"
	case t == boolType:
		return "true or false"
	case t.Kind() == reflect.String:
		return "text"
	}
	return t.String()
}

var vms = sync.Pool{New: func() any { return &vm.VM{MemoryBudget: MemoryBudget} }}

// run evaluates the program; a panic becomes the rule's error.
func run(prog *vm.Program, env any) (out any, err error) {
	m := vms.Get().(*vm.VM)
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("evaluation failed: %v", r)
			m = &vm.VM{MemoryBudget: MemoryBudget} // do not reuse a VM left mid-run
		}
		vms.Put(m)
	}()
	m.MemoryBudget = MemoryBudget
	return m.Run(prog, env)
}

// Bool evaluates a condition.
func (p *Program) Bool(env any) (bool, error) {
	out, err := run(p.prog, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("the condition gave %T, not true or false", out)
	}
	return b, nil
}

// Decimal evaluates a formula.
func (p *Program) Decimal(env any) (decimal.Decimal, error) {
	out, err := run(p.prog, env)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return toDec(out)
}

// Explain renders the values of the fields the rule reads, for a trace:
// "line.quantity is 12, product.family is \"hardware\"".
func (p *Program) Explain(env any) string {
	parts := make([]string, 0, len(p.paths))
	for _, path := range p.paths {
		probe := p.probes[path]
		if probe == nil {
			continue
		}
		v, err := run(probe, env)
		if err != nil {
			continue
		}
		parts = append(parts, path+" is "+show(v))
	}
	return strings.Join(parts, ", ")
}

func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case decimal.Decimal:
		return x.String()
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return fmt.Sprint(v)
}

// Cache shares compiled programs by rule id and version; evaluation never
// compiles a rule it has seen.
type Cache struct {
	mu sync.RWMutex
	m  map[cacheKey]*Program
}

type cacheKey struct {
	id      string
	version int
	result  Result
	env     reflect.Type
}

// Get returns the compiled program of a rule version, compiling it once.
func (c *Cache) Get(id string, version int, src string, env any, want Result) (*Program, error) {
	k := cacheKey{id, version, want, reflect.TypeOf(env)}
	c.mu.RLock()
	p, ok := c.m[k]
	c.mu.RUnlock()
	if ok && p.Source == src {
		return p, nil
	}
	p, err := Compile(src, env, want)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[cacheKey]*Program{}
	}
	c.m[k] = p
	c.mu.Unlock()
	return p, nil
}
