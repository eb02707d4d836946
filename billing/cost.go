package billing

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
)

// Stock is valued at its carried cost in the company's cost currency
// (Service's CostCurrency, the currency of products' unit_cost): the
// inventory package values every movement (a receipt at the cost it
// names or the product's unit cost, what leaves stock at the moving
// average cost of its warehouse) and these postings move exactly those
// values, so the inventory account always equals stock at carried cost.
// Services never hold stock and post no cost. Movements without a value
// post nothing.

// PostReceipt posts goods received: debit inventory, credit goods received
// not invoiced, with the receipt's value. sourceID names the receipt (its
// first movement).
func (s *Service) PostReceipt(ctx context.Context, st Store, sourceID string, date quotient.Date, reference, actorID string, value int64) error {
	if value == 0 {
		return nil
	}
	_, _, err := s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: date, Memo: "Goods received " + reference, Currency: s.CostCurrency,
		SourceType: "receipt", SourceID: sourceID, Event: "receive", Lines: []ledger.LineInput{
			{AccountCode: ledger.Inventory, Debit: value}, {AccountCode: ledger.GoodsReceivedNotInvoiced, Credit: value}}}, actorID)
	return err
}

// PostShipmentCost posts the cost of what a shipment took out of stock:
// debit cost of goods sold, credit inventory.
func (s *Service) PostShipmentCost(ctx context.Context, st Store, sh order.Shipment, actorID string) error {
	var value int64
	for _, l := range sh.Lines {
		value += l.Cost
	}
	if value == 0 {
		return nil
	}
	_, _, err := s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: sh.ShippedOn, Memo: "Cost of shipment " + sh.Number, Currency: s.CostCurrency,
		SourceType: "shipment", SourceID: sh.ID, Event: "cost", Lines: []ledger.LineInput{
			{AccountCode: ledger.CostOfGoodsSold, Debit: value}, {AccountCode: ledger.Inventory, Credit: value}}}, actorID)
	return err
}

// PostAdjustment posts a stock correction at carried cost: stock found
// debits inventory and credits inventory gains and losses; stock lost the
// other way round.
func (s *Service) PostAdjustment(ctx context.Context, st Store, m inventory.Movement) error {
	if m.Value == 0 {
		return nil
	}
	lines := []ledger.LineInput{{AccountCode: ledger.Inventory, Debit: m.Value}, {AccountCode: ledger.InventoryAdjustments, Credit: m.Value}}
	if m.Value < 0 {
		lines = []ledger.LineInput{{AccountCode: ledger.InventoryAdjustments, Debit: -m.Value}, {AccountCode: ledger.Inventory, Credit: -m.Value}}
	}
	_, _, err := s.ledger.PostOnce(ctx, st, ledger.EntryInput{Date: quotient.DateOf(m.At), Memo: "Stock adjustment: " + m.Reason, Currency: s.CostCurrency,
		SourceType: "adjustment", SourceID: m.ID, Event: "adjust", Lines: lines}, m.ActorID)
	return err
}
