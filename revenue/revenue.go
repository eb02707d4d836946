package revenue

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/ledger"
)

// Row is one month of an invoice line's schedule: what of its net (and
// of the base amount it was deferred at) that month recognises, into
// which revenue account; EntryID is the posting that recognised it.
type Row struct {
	InvoiceID   string
	LineNo      int
	Month       string // YYYY-MM
	Currency    string
	AccountCode string
	Amount      int64
	Base        int64
	EntryID     string
}

// Month is a month of the waterfall in one currency: what is scheduled
// for it, and what of that has been recognised.
type Month struct {
	Month      string
	Currency   string
	Scheduled  int64
	Recognised int64
}

// Store is what revenue needs from storage, in the caller's transaction.
type Store interface {
	ledger.Store
	InsertScheduleRows(ctx context.Context, rows []Row) error
	// OpenSchedule claims up to limit rows not yet recognised of months
	// up to through (YYYY-MM), whole invoice-months, in invoice and month
	// order; rows another transaction holds are skipped.
	OpenSchedule(ctx context.Context, through string, limit int) ([]Row, error)
	MarkRecognised(ctx context.Context, invoiceID, month, entryID string) error
	// Waterfall sums the schedule by month and currency, from to to
	// (YYYY-MM, both included).
	Waterfall(ctx context.Context, from, to string) ([]Month, error)
	// Unrecognised is what the schedule has not yet recognised, by
	// currency: what deferred revenue must hold.
	Unrecognised(ctx context.Context) (map[string]int64, error)
	// InvoiceSchedule is an invoice's schedule.
	InvoiceSchedule(ctx context.Context, invoiceID string) ([]Row, error)
}

// Service recognises revenue.
type Service struct {
	now    func() time.Time
	ledger *ledger.Service
}

// NewService makes the service.
func NewService(now func() time.Time, l *ledger.Service) *Service {
	return &Service{now: now, ledger: l}
}

// lastDay is the last day of d's month.
func lastDay(d quotient.Date) quotient.Date {
	return quotient.NewDate(d.Year(), d.Month(), 1).AddDate(0, 1, -1)
}

// Schedule writes the schedule of an invoice just issued: every deferred
// line's net spread over the months of its service period by days (the
// days of the period in the month over all its days), each month's part
// the difference of the running shares so the months add up to the
// line exactly; the base amount it was deferred at likewise. Revenue goes
// to the line's family's account in books.
func (s *Service) Schedule(ctx context.Context, st Store, books ledger.Books, inv billing.Invoice) error {
	var rows []Row
	for i, l := range inv.Lines {
		if !l.Deferred() {
			continue
		}
		total := l.ServiceEnd.DaysSince(l.ServiceStart) + 1
		if total <= 0 {
			return fmt.Errorf("revenue: line %d of invoice %s ends before it starts", i+1, inv.Number)
		}
		account := books.Revenue(l.Family)
		var days int
		var given, givenBase int64
		for m := l.ServiceStart; !m.After(l.ServiceEnd); {
			end := lastDay(m)
			if l.ServiceEnd.Before(end) {
				end = l.ServiceEnd
			}
			days += end.DaysSince(m) + 1
			amount := ledger.Share(l.Net, int64(days), int64(total))
			base := ledger.Share(l.DeferredBase, int64(days), int64(total))
			if amount != given { // a month of nothing (a cent spread thin) is no row
				rows = append(rows, Row{InvoiceID: inv.ID, LineNo: i + 1, Month: m.YearMonth(), Currency: inv.Currency, AccountCode: account,
					Amount: amount - given, Base: base - givenBase})
				given, givenBase = amount, base
			}
			m = end.AddDays(1)
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return st.InsertScheduleRows(ctx, rows)
}

// Through is the last month whose revenue is recognised on day: the
// month before day's, or day's own on its last day.
func Through(day quotient.Date) string {
	if lastDay(day) == day {
		return day.YearMonth()
	}
	return quotient.NewDate(day.Year(), day.Month(), 1).AddDays(-1).YearMonth()
}

// Recognise posts up to limit rows of the schedule that are due on day
// and not yet recognised: one entry per invoice and month, dated the
// month's last day (or day, when that month is closed), debiting
// deferred revenue and crediting revenue at the base amounts the revenue
// was deferred at, so deferred revenue empties exactly in base too. The
// entry's source (the invoice, "recognise YYYY-MM") makes it once only.
// It returns how many invoice-months it posted.
func (s *Service) Recognise(ctx context.Context, st Store, day quotient.Date, limit int) (int, error) {
	rows, err := st.OpenSchedule(ctx, Through(day), limit)
	if err != nil || len(rows) == 0 {
		return 0, err
	}
	type key struct{ invoice, month string }
	groups := map[key][]Row{}
	var order []key
	for _, r := range rows {
		k := key{r.InvoiceID, r.Month}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	booksOf := map[string]ledger.Books{}
	posted := 0
	for _, k := range order {
		g := groups[k]
		month, ok := quotient.ParseDate(k.month + "-01")
		if !ok {
			return posted, fmt.Errorf("revenue: bad month %q", k.month)
		}
		date := lastDay(month)
		b, ok := booksOf[k.month]
		if !ok {
			if b, err = s.ledger.Books(ctx, st, date); err != nil {
				return posted, err
			}
			if b.Closed() { // a closed month's revenue lands today
				if b, err = s.ledger.Open(ctx, st, day); err != nil {
					return posted, err
				}
			}
			booksOf[k.month] = b
		}
		in := ledger.EntryInput{Date: b.Date(), Memo: "Revenue recognised for " + k.month, Currency: g[0].Currency,
			SourceType: "revenue", SourceID: k.invoice, Event: "recognise " + k.month}
		by := map[string]*ledger.LineInput{}
		var amount, base int64
		for _, r := range g {
			l := by[r.AccountCode]
			if l == nil {
				l = &ledger.LineInput{AccountCode: r.AccountCode, FixedBase: true}
				by[r.AccountCode] = l
			}
			l.Credit += r.Amount
			l.BaseCredit += r.Base
			amount += r.Amount
			base += r.Base
		}
		in.Lines = append(in.Lines, ledger.LineInput{AccountCode: ledger.DeferredRevenue, FixedBase: true, Debit: amount, BaseDebit: base})
		codes := make([]string, 0, len(by))
		for c := range by {
			codes = append(codes, c)
		}
		sort.Strings(codes)
		for _, c := range codes {
			in.Lines = append(in.Lines, *by[c])
		}
		e, _, err := s.ledger.Record(ctx, st, b, in, "system")
		if err != nil {
			return posted, err
		}
		if err := st.MarkRecognised(ctx, k.invoice, k.month, e.ID); err != nil {
			return posted, err
		}
		posted++
	}
	return posted, nil
}

// MaxWaterfallMonths is the most months one waterfall covers.
const MaxWaterfallMonths = 120

// Waterfall is the revenue schedule by month from from's month to to's
// (this month and the next eleven when both are zero), in one currency
// or all: what each month recognises, and what of it has been posted.
// For finance, admins and sales managers.
func (s *Service) Waterfall(ctx context.Context, st Store, currency string, from, to quotient.Date) ([]Month, quotient.Date, quotient.Date, error) {
	if err := ledger.MayRead(ctx); err != nil {
		return nil, from, to, err
	}
	p := quotient.Problems{Code: quotient.Invalid}
	if currency != "" {
		if _, ok := quotient.LookupCurrency(currency); !ok {
			p.Add("currency", "unknown currency %q", currency)
		}
	}
	if from.IsZero() {
		from = quotient.DateOf(s.now())
		if !to.IsZero() && to.Before(from) {
			from = to.AddDate(0, -11, 0)
		}
	}
	from = quotient.NewDate(from.Year(), from.Month(), 1)
	if to.IsZero() {
		to = from.AddDate(0, 11, 0)
	}
	to = lastDay(to)
	if from.After(to) {
		p.Add("from", "must be on or before to")
	} else if n := (to.Year()-from.Year())*12 + int(to.Month()-from.Month()) + 1; n > MaxWaterfallMonths {
		p.Add("to", "a waterfall covers at most %d months, not %d", MaxWaterfallMonths, n)
	}
	if err := p.Err(); err != nil {
		return nil, from, to, err
	}
	ms, err := st.Waterfall(ctx, from.YearMonth(), to.YearMonth())
	if err != nil {
		return nil, from, to, err
	}
	out := ms[:0]
	for _, m := range ms {
		if currency == "" || m.Currency == currency {
			out = append(out, m)
		}
	}
	return out, from, to, nil
}
