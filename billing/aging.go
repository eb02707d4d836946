package billing

import (
	"context"
	"fmt"
	"sort"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// Buckets of the aging by days past due (docs/api.md).
var Buckets = []string{"current", "1_30", "31_60", "61_90", "over_90"}

// OpenItem is an invoice's amount open on a date.
type OpenItem struct {
	InvoiceID   string
	Number      string
	AccountID   string
	AccountName string
	DueDate     quotient.Date
	Open        int64
	// Total is the invoice's total; BaseTotal its receivable in base as
	// booked (-1 when posted before base amounts were kept).
	Total, BaseTotal int64
}

// AgingStore is what the aging needs.
type AgingStore interface {
	ledger.Store
	quotient.AccountReach
	// OpenItems lists, for invoices in a currency issued on or before asOf,
	// what was still open on that date (payments applied on or before it
	// deducted); fully paid ones are left out. accountID, when not empty,
	// keeps one account's.
	OpenItems(ctx context.Context, currency string, asOf quotient.Date, accountID string) ([]OpenItem, error)
	// InvoiceCurrencies lists the currencies invoices were issued in.
	InvoiceCurrencies(ctx context.Context) ([]string, error)
}

// AgingRow is an account's (or the total's) open amounts per bucket.
type AgingRow struct {
	AccountID   string
	AccountName string
	Buckets     [5]int64
	Total       int64
}

// Aging is the AR aging of a currency on a date.
type Aging struct {
	AsOf     quotient.Date
	Currency string
	InBase   bool // every currency's invoices at their booked base amounts
	Accounts []AgingRow
	Total    AgingRow
}

func bucket(daysPast int) int {
	switch {
	case daysPast <= 0:
		return 0
	case daysPast <= 30:
		return 1
	case daysPast <= 60:
		return 2
	case daysPast <= 90:
		return 3
	}
	return 4
}

// add puts an open item in its bucket on a day, and says which.
func (r *AgingRow) add(it OpenItem, day quotient.Date) int {
	b := bucket(day.DaysSince(it.DueDate))
	r.Buckets[b] += it.Open
	r.Total += it.Open
	return b
}

// AgingReport ages the open receivables of a currency on a date (today when
// zero) by days past due, per account and in total. With no currency it
// ages every currency's in base: each invoice's open amount at the rate it
// was booked at (its share of the receivable's base amount).
func (s *Service) AgingReport(ctx context.Context, st AgingStore, currency string, asOf quotient.Date) (Aging, error) {
	if err := RequireReceivablesReader(ctx); err != nil {
		return Aging{}, err
	}
	if asOf.IsZero() {
		asOf = quotient.DateOf(s.now())
	}
	if asOf.Year() < 1900 {
		return Aging{}, quotient.FieldErrorf(quotient.Invalid, "as_of", "must be in 1900 or later")
	}
	out := Aging{AsOf: asOf, Currency: currency}
	var items []OpenItem
	if currency == "" {
		var err error
		if out.Currency, items, err = openInBase(ctx, st, asOf); err != nil {
			return Aging{}, err
		}
		out.InBase = true
	} else if _, ok := quotient.LookupCurrency(currency); !ok {
		return Aging{}, quotient.FieldErrorf(quotient.Invalid, "currency", "name a currency such as EUR, or none to age every currency in base")
	} else {
		var err error
		if items, err = st.OpenItems(ctx, currency, asOf, ""); err != nil {
			return Aging{}, err
		}
	}
	rows := map[string]*AgingRow{}
	for _, it := range items {
		r := rows[it.AccountID]
		if r == nil {
			r = &AgingRow{AccountID: it.AccountID, AccountName: it.AccountName}
			rows[it.AccountID] = r
		}
		b := r.add(it, asOf)
		out.Total.Buckets[b] += it.Open
		out.Total.Total += it.Open
	}
	for _, r := range rows {
		out.Accounts = append(out.Accounts, *r)
	}
	sort.Slice(out.Accounts, func(i, j int) bool {
		if out.Accounts[i].AccountName != out.Accounts[j].AccountName {
			return out.Accounts[i].AccountName < out.Accounts[j].AccountName
		}
		return out.Accounts[i].AccountID < out.Accounts[j].AccountID
	})
	return out, nil
}

// openInBase is every currency's open items on a date with their open
// amounts in base, and the base currency.
func openInBase(ctx context.Context, st AgingStore, asOf quotient.Date) (string, []OpenItem, error) {
	base, err := st.BaseCurrency(ctx)
	if err != nil {
		return "", nil, err
	}
	curs, err := st.InvoiceCurrencies(ctx)
	if err != nil {
		return "", nil, err
	}
	var out []OpenItem
	for _, cur := range curs {
		items, err := st.OpenItems(ctx, cur, asOf, "")
		if err != nil {
			return "", nil, err
		}
		for _, it := range items {
			if it.BaseTotal < 0 {
				return "", nil, quotient.FieldErrorf(quotient.Unprocessable, "currency",
					"invoice %s was posted before base amounts were kept and has none yet; enter the %s to %s rate of its date, or age it in %s (currency=%s)",
					it.Number, cur, base, cur, cur)
			}
			it.Open = ledger.Share(it.BaseTotal, it.Open, it.Total)
			out = append(out, it)
		}
	}
	return base, out, nil
}

// Reconciliation is, for a currency on a date, the AR aging's total beside
// the accounts receivable account's balance in the ledger.
type Reconciliation struct {
	Currency string
	Aging    int64
	Ledger   int64
}

// Reconciliations compares, for each currency, the aging's total with the
// balance of the accounts receivable account on a date.
func Reconciliations(ctx context.Context, st AgingStore, currencies []string, asOf quotient.Date) ([]Reconciliation, error) {
	out := make([]Reconciliation, 0, len(currencies))
	for _, cur := range currencies {
		items, err := st.OpenItems(ctx, cur, asOf, "")
		if err != nil {
			return nil, err
		}
		r := Reconciliation{Currency: cur}
		for _, it := range items {
			r.Aging += it.Open
		}
		bals, err := st.Balances(ctx, asOf, cur)
		if err != nil {
			return nil, err
		}
		for _, b := range bals {
			if b.AccountCode == ledger.AccountsReceivable {
				r.Ledger = b.Debit - b.Credit
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Reconcile describes every currency whose aging and AR account disagree
// on a date.
func Reconcile(ctx context.Context, st AgingStore, currencies []string, asOf quotient.Date) ([]string, error) {
	rs, err := Reconciliations(ctx, st, currencies, asOf)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range rs {
		if r.Aging != r.Ledger {
			c, _ := quotient.LookupCurrency(r.Currency)
			out = append(out, fmt.Sprintf("%s on %s: the AR aging totals %s but the AR account (%s) holds %s", r.Currency, asOf,
				c.Format(c.FromMinor(r.Aging)), ledger.AccountsReceivable, c.Format(c.FromMinor(r.Ledger))))
		}
	}
	return out, nil
}
