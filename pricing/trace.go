package pricing

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// interner shares the text of identical trace entries within one
// pricing: a skipped rule's explanation depends only on the facts it reads,
// so lines with the same quantity (and product, when it reads the product)
// share the words, built once. Keys are small integers, not strings.
type interner struct {
	qtys     map[string]int32
	products map[string]int32
	details  map[internKey]string
	texts    map[string]string // per-line texts that repeat: keyed by their inputs
}

// text returns the cached text for key, building it once.
func (in *interner) text(key string, build func() string) string {
	t, ok := in.texts[key]
	if !ok {
		t = build()
		in.texts[key] = t
	}
	return t
}

type internKey struct {
	rule, qty, product int32
}

func newInterner() *interner {
	return &interner{qtys: map[string]int32{}, products: map[string]int32{}, details: map[internKey]string{}, texts: map[string]string{}}
}

func (in *interner) index(m map[string]int32, k string) int32 {
	i, ok := m[k]
	if !ok {
		i = int32(len(m))
		m[k] = i
	}
	return i
}

// lineKeys are a line's interned quantity and product.
type lineKeys struct {
	qty, product int32
	qtyText      string
	configured   bool
}

func (in *interner) keys(l *Line) lineKeys {
	qty := l.Quantity.String()
	return lineKeys{qty: in.index(in.qtys, qty), product: in.index(in.products, l.ProductID), qtyText: qty,
		configured: len(l.Configuration) > 0}
}

// falseDetail is the trace text of a rule whose condition was false.
func (in *interner) falseDetail(r *compiledRule, env *LineEnv, k lineKeys) string {
	build := func() string {
		// sayFalseBecause, by concatenation: this runs per line.
		if ex := explain(r.cond.Paths(), env, k.qtyText); ex != "" {
			return r.falseText + " (" + ex + ")"
		}
		return r.falseText
	}
	if r.readsUnit || (r.readsProduct && k.configured) {
		return build()
	}
	key := internKey{rule: r.idx, qty: -1, product: -1}
	if r.readsQty {
		key.qty = k.qty
	}
	if r.readsProduct {
		key.product = k.product
	}
	d, ok := in.details[key]
	if !ok {
		d = build()
		in.details[key] = d
	}
	return d
}

// applyRules runs step 3 and records every rule considered.
func applyRules(l *Line, env *LineEnv, unit decimal.Decimal, cands []*compiledRule, day quotient.Date, texts *interner) decimal.Decimal {
	var stop *compiledRule
	keys := texts.keys(l)
	for _, r := range cands {
		skip := func(why string) {
			l.Trace = append(l.Trace, Step{Step: "rule_skipped", Ref: r.ref, Detail: why})
		}
		if !r.validOn(day) {
			skip(fmt.Sprintf(sayOutsideValidity, orOpen(r.ValidFrom), orOpen(r.ValidTo)))
			continue
		}
		env.Line.UnitPrice = unit
		if stop != nil {
			if r.Priority == stop.Priority && !r.Stackable {
				if ok, err := r.test(env); err == nil && ok {
					msg := fmt.Sprintf(sayConflict, stop.Name, r.Name, r.Priority)
					l.Conflicts = append(l.Conflicts, msg)
					skip("conflict: " + msg)
					continue
				}
			}
			skip(fmt.Sprintf(sayAfterStop, stop.Name))
			continue
		}
		ok, err := r.test(env)
		if err != nil {
			l.Warnings = append(l.Warnings, fmt.Sprintf(sayRuleWarning, r.Name, err))
			skip(fmt.Sprintf(sayError, err))
			continue
		}
		if !ok {
			skip(texts.falseDetail(r, env, keys))
			continue
		}
		before := unit
		switch r.Action {
		case PercentDiscount:
			unit = unit.Mul(r.factor)
		case AmountDiscount:
			unit = unit.Sub(r.Value)
		case SetPrice:
			unit = r.Value
		case Formula:
			v, err := r.newPrice(env)
			if err != nil {
				l.Warnings = append(l.Warnings, fmt.Sprintf(sayFormulaWarning, r.Name, err))
				skip(fmt.Sprintf(sayFormulaError, err))
				continue
			}
			unit = v
		}
		step := Step{Step: "rule", Ref: r.ref, Priced: true, Before: before, After: unit,
			Detail: r.desc}
		l.Trace = append(l.Trace, step)
		if unit.IsNegative() {
			l.Trace = append(l.Trace, Step{Step: "clamp", Ref: r.ref, Priced: true, Before: unit, After: decimal.Zero,
				Detail: sayClamp})
			unit = decimal.Zero
		}
		if !r.Stackable {
			stop = r
		}
	}
	return unit
}

func orOpen(d quotient.Date) string {
	if d.IsZero() {
		return "open"
	}
	return d.String()
}

func describeAction(r *compiledRule) string {
	switch r.Action {
	case PercentDiscount:
		return fmt.Sprintf(sayPercentOff, r.Value)
	case AmountDiscount:
		return fmt.Sprintf(sayAmountOff, r.Value)
	case SetPrice:
		return fmt.Sprintf(saySetPrice, r.Value)
	}
	return "formula: " + r.Formula // sayFormula
}
