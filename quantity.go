package quotient

import "github.com/shopspring/decimal"

// Quantity is an amount of goods counted in millionths of a unit
// (micro-units), so that stock, orders, shipments, invoices and credit
// notes add and compare exactly with integer arithmetic. A quote carries
// decimal quantities (at most six decimals); the order made from it counts
// in Quantity from then on. The zero value is nothing.
type Quantity int64

// QuantityOf converts a decimal quantity; it fails when the quantity has
// more than six decimals or does not fit.
func QuantityOf(d decimal.Decimal) (Quantity, bool) {
	s := d.Shift(6)
	if !s.Equal(s.Truncate(0)) || !s.BigInt().IsInt64() {
		return 0, false
	}
	return Quantity(s.IntPart()), true
}

// Decimal gives the quantity as a decimal number of units.
func (q Quantity) Decimal() decimal.Decimal { return decimal.New(int64(q), -6) }

// String renders the quantity as the API writes it: "2", "0.5".
func (q Quantity) String() string { return q.Decimal().String() }
