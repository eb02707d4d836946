package billing

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// Kinds of statement items.
const (
	ItemInvoice    = "invoice"
	ItemPayment    = "payment"
	ItemDiscount   = "discount"
	ItemCreditNote = "credit_note"
)

// StatementItem is a document that changed what a customer owes: an
// invoice (debit), a payment, an early-payment discount or a credit note
// (credits). Amounts are in minor units.
type StatementItem struct {
	Date    quotient.Date
	Kind    string
	ID      string
	Number  string        // the invoice or credit note number, the payment's reference
	DueDate quotient.Date // invoices only
	Debit   int64
	Credit  int64
	Balance int64 // running, after this item
}

// Document names an item's document for people: "INV-2026-000012",
// "Payment 4711", "Early-payment discount on INV-2026-000012".
func (it StatementItem) Document() string {
	switch {
	case it.Kind == ItemDiscount:
		return "Early-payment discount on " + it.Number
	case it.Kind == ItemPayment && it.Number == "":
		return "Payment"
	case it.Kind == ItemPayment:
		return "Payment " + it.Number
	}
	return it.Number
}

// StatementStore is what statements need.
type StatementStore interface {
	AgingStore
	GetAccount(ctx context.Context, id string) (crm.Account, error)
	// StatementItems returns what the account owed in a currency before
	// from (opening) and its items dated from to to, in date order.
	StatementItems(ctx context.Context, accountID, currency string, from, to quotient.Date) (opening int64, items []StatementItem, err error)
}

// Statement is a customer's statement of account for a period.
type Statement struct {
	Account  crm.Account
	Currency string
	From, To quotient.Date
	Opening  int64
	Items    []StatementItem
	Debits   int64
	Credits  int64
	Closing  int64
	// Open lists the invoices still open on To, oldest due first; Aging
	// buckets them by days past due on To.
	Open  []OpenItem
	Aging AgingRow
}

// CustomerStatement makes an account's statement (in its currency unless
// another is named) from from to to (the first of to's month and today
// when zero). The closing balance is what it owes less its unapplied
// credit: AR less customer credits.
func (s *Service) CustomerStatement(ctx context.Context, st StatementStore, accountID, currency string, from, to quotient.Date) (Statement, error) {
	if err := requireReader(ctx); err != nil {
		return Statement{}, err
	}
	p := quotient.Problems{Code: quotient.Invalid} // query parameters: 400
	acc, err := st.GetAccount(ctx, accountID)
	if accountID == "" {
		p.Add("account_id", "is required: name the account the statement is for")
	} else if quotient.ErrorCode(err) == quotient.NotFound {
		p.Add("account_id", "no account %q", accountID)
	} else if err != nil {
		return Statement{}, err
	}
	if currency == "" {
		currency = acc.Currency
	}
	if _, ok := quotient.LookupCurrency(currency); !ok && acc.ID != "" {
		p.Add("currency", "unknown currency %q", currency)
	}
	if to.IsZero() {
		to = quotient.DateOf(s.now())
	}
	if from.IsZero() {
		from = to.AddDays(1 - to.Day())
	}
	switch {
	case to.Year() < 1900:
		p.Add("to", "must be in 1900 or later")
	case from.Year() < 1900:
		p.Add("from", "must be in 1900 or later")
	case from.After(to):
		p.Add("from", "must be on or before to (%s)", to)
	}
	if err := p.Err(); err != nil {
		return Statement{}, err
	}
	if err := quotient.CheckReach(ctx, st, "account", accountID, accountID); err != nil {
		return Statement{}, err
	}
	out := Statement{Account: acc, Currency: currency, From: from, To: to, Aging: AgingRow{AccountID: acc.ID, AccountName: acc.Name}}
	if out.Opening, out.Items, err = st.StatementItems(ctx, acc.ID, currency, from, to); err != nil {
		return Statement{}, err
	}
	bal := out.Opening
	for i := range out.Items {
		it := &out.Items[i]
		bal += it.Debit - it.Credit
		it.Balance = bal
		out.Debits += it.Debit
		out.Credits += it.Credit
	}
	out.Closing = bal
	if out.Open, err = st.OpenItems(ctx, currency, to, acc.ID); err != nil {
		return Statement{}, err
	}
	for _, it := range out.Open {
		out.Aging.add(it, to)
	}
	return out, nil
}
