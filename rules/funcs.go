package rules

import (
	"fmt"
	"time"

	"github.com/expr-lang/expr"
	"github.com/shopspring/decimal"
)

// toDec converts a number reaching a function into a decimal.
func toDec(v any) (decimal.Decimal, error) {
	switch x := v.(type) {
	case decimal.Decimal:
		return x, nil
	case int:
		return decimal.NewFromInt(int64(x)), nil
	case int64:
		return decimal.NewFromInt(x), nil
	case int32:
		return decimal.NewFromInt(int64(x)), nil
	case float64:
		return decimal.NewFromFloat(x), nil
	case string:
		if d, err := decimal.NewFromString(x); err == nil {
			return d, nil
		}
	}
	return decimal.Decimal{}, fmt.Errorf("expected a number, got %T", v)
}

func decs(params []any) ([]decimal.Decimal, error) {
	out := make([]decimal.Decimal, len(params))
	for i, p := range params {
		d, err := toDec(p)
		if err != nil {
			return nil, err
		}
		out[i] = d
	}
	return out, nil
}

var errDivZero = fmt.Errorf("division by zero")

func binary(f func(a, b decimal.Decimal) (any, error)) func(params ...any) (any, error) {
	return func(params ...any) (any, error) {
		d, err := decs(params)
		if err != nil {
			return nil, err
		}
		return f(d[0], d[1])
	}
}

func toTime(v any) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		return time.Time{}, fmt.Errorf("expected a date, got %T", v)
	}
	return t, nil
}

// functions are the functions rules may call besides expr's builtins;
// README documents each. The __ ones implement the decimal operators.
func functions() []expr.Option {
	D := decimal.Decimal{}
	t := time.Time{}
	dd := []any{new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal), new(func(decimal.Decimal, int) decimal.Decimal),
		new(func(int, decimal.Decimal) decimal.Decimal)}
	cmp := []any{new(func(decimal.Decimal, decimal.Decimal) bool)}
	_ = D
	opts := []expr.Option{
		expr.Function("__dec", func(p ...any) (any, error) { return toDec(p[0]) }, new(func(int) decimal.Decimal), new(func(int64) decimal.Decimal), new(func(any) decimal.Decimal)),
		expr.Function("__neg", func(p ...any) (any, error) { d, err := toDec(p[0]); return d.Neg(), err }, new(func(decimal.Decimal) decimal.Decimal)),
		expr.Function("__add", binary(func(a, b decimal.Decimal) (any, error) { return a.Add(b), nil }), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal)),
		expr.Function("__sub", binary(func(a, b decimal.Decimal) (any, error) { return a.Sub(b), nil }), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal)),
		expr.Function("__mul", binary(func(a, b decimal.Decimal) (any, error) { return a.Mul(b), nil }), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal)),
		expr.Function("__div", binary(func(a, b decimal.Decimal) (any, error) {
			if b.IsZero() {
				return nil, errDivZero
			}
			return a.Div(b), nil
		}), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal)),
		expr.Function("__mod", binary(func(a, b decimal.Decimal) (any, error) {
			if b.IsZero() {
				return nil, errDivZero
			}
			return a.Mod(b), nil
		}), new(func(decimal.Decimal, decimal.Decimal) decimal.Decimal)),
		expr.Function("__lt", binary(func(a, b decimal.Decimal) (any, error) { return a.LessThan(b), nil }), cmp...),
		expr.Function("__le", binary(func(a, b decimal.Decimal) (any, error) { return a.LessThanOrEqual(b), nil }), cmp...),
		expr.Function("__gt", binary(func(a, b decimal.Decimal) (any, error) { return a.GreaterThan(b), nil }), cmp...),
		expr.Function("__ge", binary(func(a, b decimal.Decimal) (any, error) { return a.GreaterThanOrEqual(b), nil }), cmp...),
		expr.Function("__eq", binary(func(a, b decimal.Decimal) (any, error) { return a.Equal(b), nil }), cmp...),
		expr.Function("__ne", binary(func(a, b decimal.Decimal) (any, error) { return !a.Equal(b), nil }), cmp...),

		// round(x, places): half away from zero, like money rounding.
		expr.Function("round", func(p ...any) (any, error) {
			d, err := toDec(p[0])
			if err != nil {
				return nil, err
			}
			places, ok := p[1].(int)
			if !ok || places < -12 || places > 12 {
				return nil, fmt.Errorf("round: places must be an integer from -12 to 12")
			}
			return d.Round(int32(places)), nil
		}, new(func(decimal.Decimal, int) decimal.Decimal), new(func(int, int) decimal.Decimal)),
		expr.Function("min", binary(func(a, b decimal.Decimal) (any, error) { return decimal.Min(a, b), nil }), dd...),
		expr.Function("max", binary(func(a, b decimal.Decimal) (any, error) { return decimal.Max(a, b), nil }), dd...),
		expr.Function("abs", func(p ...any) (any, error) { d, err := toDec(p[0]); return d.Abs(), err },
			new(func(decimal.Decimal) decimal.Decimal), new(func(int) decimal.Decimal)),

		// Date helpers read dates from the environment (pricing_date), never
		// the wall clock: now() is disabled so pricing is reproducible.
		expr.Function("days_between", func(p ...any) (any, error) {
			a, err := toTime(p[0])
			if err != nil {
				return nil, err
			}
			b, err := toTime(p[1])
			if err != nil {
				return nil, err
			}
			return int(b.Sub(a).Hours() / 24), nil
		}, new(func(time.Time, time.Time) int)),
		expr.Function("year", func(p ...any) (any, error) { x, err := toTime(p[0]); return x.Year(), err }, new(func(time.Time) int)),
		expr.Function("month", func(p ...any) (any, error) { x, err := toTime(p[0]); return int(x.Month()), err }, new(func(time.Time) int)),
		expr.Function("day", func(p ...any) (any, error) { x, err := toTime(p[0]); return x.Day(), err }, new(func(time.Time) int)),
		expr.Function("weekday", func(p ...any) (any, error) { x, err := toTime(p[0]); return int(x.Weekday()), err }, new(func(time.Time) int)),
		expr.DisableBuiltin("now"),
		expr.DisableBuiltin("round"),
		expr.DisableBuiltin("min"),
		expr.DisableBuiltin("max"),
		expr.DisableBuiltin("abs"),
	}
	_ = t
	return opts
}
