package billing

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
)

// Stock is valued at cost in the company's cost currency (Service's
// CostCurrency, the currency of products' unit_cost): a receipt at the
// cost it names (the product's unit cost when it names none), a shipment
// at the product's unit cost. Quantities without a cost post nothing.

// CostLine is a quantity of a product at a unit cost.
type CostLine struct {
	ProductID string
	Quantity  quotient.Quantity
	UnitCost  *decimal.Decimal // nil: the product's unit cost
}

// value is what lines are worth at cost, in minor units of the cost
// currency, each line rounded once.
func (s *Service) value(ctx context.Context, st Store, lines []CostLine) (int64, quotient.Currency, error) {
	c, ok := quotient.LookupCurrency(s.CostCurrency)
	if !ok {
		return 0, c, fmt.Errorf("billing: unknown cost currency %q", s.CostCurrency)
	}
	var total int64
	for _, l := range lines {
		cost := l.UnitCost
		if cost == nil {
			pr, err := st.GetProduct(ctx, l.ProductID)
			if err != nil {
				return 0, c, err
			}
			cost = &pr.UnitCost
		}
		total += c.RoundMinor(cost.Mul(l.Quantity.Decimal()))
	}
	return total, c, nil
}

// PostReceipt posts goods received: debit inventory, credit goods received
// not invoiced. sourceID names the receipt (its first movement).
func (s *Service) PostReceipt(ctx context.Context, st Store, sourceID string, date quotient.Date, reference, actorID string, lines []CostLine) error {
	amount, c, err := s.value(ctx, st, lines)
	if err != nil || amount == 0 {
		return err
	}
	_, _, err = s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: date, Memo: "Goods received " + reference, Currency: c.Code,
		SourceType: "receipt", SourceID: sourceID, Event: "receive", Lines: []ledger.LineInput{
			{AccountCode: ledger.Inventory, Debit: amount}, {AccountCode: ledger.GoodsReceivedNotInvoiced, Credit: amount}}}, actorID)
	return err
}

// PostShipmentCost posts the cost of what a shipment sent: debit cost of
// goods sold, credit inventory, at the products' unit cost.
func (s *Service) PostShipmentCost(ctx context.Context, st Store, sh order.Shipment, actorID string) error {
	lines := make([]CostLine, len(sh.Lines))
	for i, l := range sh.Lines {
		lines[i] = CostLine{ProductID: l.ProductID, Quantity: l.Quantity}
	}
	amount, c, err := s.value(ctx, st, lines)
	if err != nil || amount == 0 {
		return err
	}
	_, _, err = s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: sh.ShippedOn, Memo: "Cost of shipment " + sh.Number, Currency: c.Code,
		SourceType: "shipment", SourceID: sh.ID, Event: "cost", Lines: []ledger.LineInput{
			{AccountCode: ledger.CostOfGoodsSold, Debit: amount}, {AccountCode: ledger.Inventory, Credit: amount}}}, actorID)
	return err
}
