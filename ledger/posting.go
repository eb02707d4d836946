package ledger

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// LineInput is one line of an entry to post, in minor units of its
// currency: a debit or a credit. Its base amount is converted at the rate
// of the entry's date unless FixedBase gives it (BaseDebit or BaseCredit,
// on the line's side): a line that clears an amount booked before clears
// it at its booked base amount. A line with FixedBase and no Debit or
// Credit moves the base amount only.
type LineInput struct {
	AccountCode string
	Currency    string // the entry's when empty
	Debit       int64
	Credit      int64
	FixedBase   bool
	BaseDebit   int64
	BaseCredit  int64
	Memo        string
}

// EntryInput is an entry to post.
type EntryInput struct {
	Date       quotient.Date // today when zero
	Memo       string
	Currency   string
	SourceType string
	SourceID   string
	Event      string
	Lines      []LineInput
	// ExchangeAccount takes what the base amounts of the lines leave
	// unbalanced, as a line of the entry's currency that moves the base
	// amount only: the exchange gain or loss of clearing at booked
	// amounts. Without one, the difference is rounding (docs/accounting.md).
	ExchangeAccount string
}

// ManualLine is a line as a person writes it: decimal amounts, which may
// not have more decimals than the currency has.
type ManualLine struct {
	AccountCode string
	Currency    string // the entry's when empty
	Debit       decimal.Decimal
	Credit      decimal.Decimal
	Memo        string
}

// ManualEntry is an entry a person posts.
type ManualEntry struct {
	Date       quotient.Date // today when zero
	Memo       string
	Currency   string
	SourceType string
	SourceID   string
	Lines      []ManualLine
}

// MaxLines bounds one entry.
const MaxLines = 1000

// Books is what postings in one month need from the ledger, read once in
// a transaction: whether the month is open, and the chart of accounts.
// Posting rules that post several entries in one use case (an invoice and
// its commission) share one.
type Books struct {
	date    quotient.Date
	period  string
	closed  bool
	chart   map[string]Account
	revenue map[string]string // product family → its revenue account
	base    string
	rates   map[rateKey]decimal.Decimal // read so far
}

// Books reads the ledger as postings dated date see it.
func (s *Service) Books(ctx context.Context, st Store, date quotient.Date) (Books, error) {
	if date.IsZero() {
		return Books{}, fmt.Errorf("ledger: books of no date")
	}
	b := Books{date: date, period: date.YearMonth(), chart: map[string]Account{}, revenue: map[string]string{}, rates: map[rateKey]decimal.Decimal{}}
	base, err := st.BaseCurrency(ctx)
	if err != nil {
		return Books{}, err
	}
	b.base = base
	per, ok, err := st.GetPeriod(ctx, b.period)
	if err != nil {
		return Books{}, err
	}
	b.closed = ok && per.Status == "closed"
	accs, err := st.ListLedgerAccounts(ctx)
	if err != nil {
		return Books{}, err
	}
	for _, a := range accs { // by code: of two accounts of a family, the later wins
		b.chart[a.Code] = a
		if a.Type == Revenue && a.Family != "" && a.Active {
			b.revenue[a.Family] = a.Code
		}
	}
	return b, nil
}

// Open reads the books of date's month, or says (a conflict naming the
// date) that the month is closed to postings.
func (s *Service) Open(ctx context.Context, st Store, date quotient.Date) (Books, error) {
	b, err := s.Books(ctx, st, date)
	if err != nil {
		return Books{}, err
	}
	return b, b.openErr()
}

// Date is the day the books were read for.
func (b Books) Date() quotient.Date { return b.date }

// Base is the base currency postings convert to.
func (b Books) Base() string { return b.base }

// Closed reports whether the month's postings are stopped.
func (b Books) Closed() bool { return b.closed }

func (b Books) openErr() error {
	if b.closed {
		return quotient.FieldErrorf(quotient.Conflict, "date", "period %s is closed; post in an open period or ask an admin to reopen it", b.period)
	}
	return nil
}

// Revenue is the revenue account that collects a product family, or
// general revenue for a family without one.
func (b Books) Revenue(family string) string {
	if code := b.revenue[family]; code != "" {
		return code
	}
	return RevenueOther
}

// Post posts a balanced entry a person wrote (finance): two or more
// lines, each a debit or a credit, amounts with no more decimals than
// their currency has, debits equal to credits in every currency, active
// accounts, a date in an open period. An entry for a source that was
// posted before is a conflict naming it.
func (s *Service) Post(ctx context.Context, st Store, in ManualEntry) (Entry, error) {
	a, err := mayWrite(ctx)
	if err != nil {
		return Entry{}, err
	}
	p := quotient.Problems{}
	ein := EntryInput{Date: in.Date, Memo: in.Memo, Currency: in.Currency, SourceType: in.SourceType, SourceID: in.SourceID}
	for i, l := range in.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		cur := l.Currency
		if cur == "" {
			cur = in.Currency
		}
		c, ok := quotient.LookupCurrency(cur)
		d, okd := c.ToMinor(l.Debit)
		cr, okc := c.ToMinor(l.Credit)
		switch {
		case !ok:
			p.Add(f+".currency", "name the currency of the line or of the entry")
		case l.Debit.IsNegative() || l.Credit.IsNegative():
			p.Add(f, "debit and credit cannot be negative; swap the sides instead")
		case !okd || !okc:
			p.Add(f, "amounts in %s have at most %d decimals", cur, c.MinorUnits)
		default:
			ein.Lines = append(ein.Lines, LineInput{AccountCode: l.AccountCode, Currency: cur, Debit: d, Credit: cr, Memo: l.Memo})
			continue
		}
		ein.Lines = append(ein.Lines, LineInput{}) // found at fault already; keeps the others' indexes
	}
	if ein.Date.IsZero() {
		ein.Date = s.today()
	}
	var b Books
	if ein.Date.Year() >= 1900 && !ein.Date.After(s.lastPostable()) {
		if b, err = s.Books(ctx, st, ein.Date); err != nil {
			return Entry{}, err
		}
	}
	e, err := s.make(ctx, st, b, ein, a.UserID, &p)
	if err != nil {
		return Entry{}, err
	}
	return s.insert(ctx, st, e)
}

// PostOnce posts an entry for a source document and event unless one was
// posted before, which it returns instead: a retried posting posts once.
// It is for posting rules (billing, commission), which check their own
// rights; its date's month must be open.
func (s *Service) PostOnce(ctx context.Context, st Store, in EntryInput, actorID string) (Entry, bool, error) {
	if in.Date.IsZero() {
		in.Date = s.today()
	}
	b, err := s.Open(ctx, st, in.Date)
	if err != nil {
		return Entry{}, false, err
	}
	return s.Record(ctx, st, b, in, actorID)
}

// Record is PostOnce in books the caller has read (Open) in this
// transaction for the entry's month.
func (s *Service) Record(ctx context.Context, st Store, b Books, in EntryInput, actorID string) (Entry, bool, error) {
	if in.SourceType == "" || in.SourceID == "" || in.Event == "" {
		return Entry{}, false, fmt.Errorf("ledger: a posting rule's entry needs a source and an event")
	}
	if in.Date.IsZero() {
		in.Date = s.today()
	}
	if in.Date.YearMonth() != b.period {
		return Entry{}, false, fmt.Errorf("ledger: an entry dated %s posted in the books of %s", in.Date, b.period)
	}
	e, err := s.make(ctx, st, b, in, actorID, &quotient.Problems{})
	if err != nil {
		return Entry{}, false, err
	}
	ok, err := st.InsertJournalEntry(ctx, e)
	if err != nil || ok {
		return e, ok, err
	}
	e, err = st.JournalEntryBySource(ctx, in.SourceType, in.SourceID, in.Event)
	return e, false, err
}

func (s *Service) today() quotient.Date { return quotient.DateOf(s.now()) }

// lastPostable is the last day anything may be posted on: the end of the
// next fiscal year (fiscal years are calendar years). A date past it is a
// typing error, not a plan.
func (s *Service) lastPostable() quotient.Date {
	return quotient.NewDate(s.today().Year()+1, time.December, 31)
}

func (s *Service) insert(ctx context.Context, st Store, e Entry) (Entry, error) {
	ok, err := st.InsertJournalEntry(ctx, e)
	if err != nil {
		return Entry{}, err
	}
	if !ok {
		prev, err := st.JournalEntryBySource(ctx, e.SourceType, e.SourceID, e.Event)
		if err != nil {
			return Entry{}, err
		}
		return Entry{}, quotient.FieldErrorf(quotient.Conflict, "source_id", "%s %s (%s) was already posted as entry %s", e.SourceType, e.SourceID, e.Event, prev.ID)
	}
	return e, nil
}

// build checks an entry against the books and makes it: what is wrong
// with the input is a 422 naming every field (with what p holds already),
// a closed month a 409.
func (s *Service) build(b Books, in EntryInput, actorID string, p *quotient.Problems) (Entry, map[int]bool, error) {
	if in.Date.Year() < 1900 {
		p.Add("date", "must be in 1900 or later")
	} else if last := s.lastPostable(); in.Date.After(last) {
		p.Add("date", "is beyond the next fiscal year; the last day open to postings is %s", last)
	}
	p.Text("memo", in.Memo, quotient.Optional, 500)
	p.Text("source_type", in.SourceType, quotient.Optional, 50)
	p.Text("source_id", in.SourceID, quotient.Optional, 100)
	if (in.SourceType == "") != (in.SourceID == "") {
		p.Add("source_id", "source_type and source_id go together")
	}
	if in.Currency != "" {
		if _, ok := quotient.LookupCurrency(in.Currency); !ok {
			p.Add("currency", "unknown currency %q", in.Currency)
		}
	}
	if len(in.Lines) < 2 {
		p.Add("lines", "an entry needs at least two lines")
	}
	if len(in.Lines) > MaxLines {
		p.Add("lines", "at most %d lines", MaxLines)
	}
	e := Entry{ID: quotient.NewID("je"), Date: in.Date, Memo: in.Memo, SourceType: in.SourceType, SourceID: in.SourceID, Event: in.Event,
		PostedBy: actorID, CreatedAt: s.now().UTC()}
	if e.SourceType == "" {
		e.SourceType, e.SourceID = "manual", e.ID
	}
	if e.Event == "" {
		e.Event = "post"
	}
	sums := map[string][2]int64{}
	fixed := map[int]bool{}
	for i, l := range in.Lines {
		if l == (LineInput{}) {
			continue // a line Post already found fault with
		}
		f := fmt.Sprintf("lines[%d]", i)
		cur := l.Currency
		if cur == "" {
			cur = in.Currency
		}
		if _, ok := quotient.LookupCurrency(cur); !ok {
			p.Add(f+".currency", "name the currency of the line or of the entry")
			continue
		}
		if l.Debit < 0 || l.Credit < 0 {
			p.Add(f, "debit and credit cannot be negative; swap the sides instead")
			continue
		}
		baseOnly := l.FixedBase && l.Debit == 0 && l.Credit == 0
		if baseOnly && (l.BaseDebit < 0 || l.BaseCredit < 0 || (l.BaseDebit == 0) == (l.BaseCredit == 0)) || !baseOnly && (l.Debit == 0) == (l.Credit == 0) {
			p.Add(f, "a line is either a debit or a credit, not both or neither")
			continue
		}
		p.Text(f+".memo", l.Memo, quotient.Optional, 500)
		if b.chart != nil {
			a, ok := b.chart[l.AccountCode]
			switch {
			case !ok:
				p.Add(f+".account_code", "no account %q in the chart", l.AccountCode)
				continue
			case !a.Active:
				p.Add(f+".account_code", "account %s is inactive", l.AccountCode)
				continue
			}
		}
		s := sums[cur]
		s[0], s[1] = s[0]+l.Debit, s[1]+l.Credit
		sums[cur] = s
		e.Lines = append(e.Lines, Line{AccountCode: l.AccountCode, Currency: cur, Debit: l.Debit, Credit: l.Credit, Memo: l.Memo})
		if l.FixedBase {
			e.Lines[len(e.Lines)-1].BaseDebit, e.Lines[len(e.Lines)-1].BaseCredit = l.BaseDebit, l.BaseCredit
			fixed[len(e.Lines)-1] = true
		}
	}
	curs := make([]string, 0, len(sums))
	for c := range sums {
		curs = append(curs, c)
	}
	sort.Strings(curs)
	for _, cur := range curs {
		if s := sums[cur]; s[0] != s[1] {
			c, _ := quotient.LookupCurrency(cur)
			p.Add("lines", "debits (%s) and credits (%s) in %s differ", c.Format(c.FromMinor(s[0])), c.Format(c.FromMinor(s[1])), cur)
		}
	}
	if err := p.Err(); err != nil {
		return Entry{}, nil, err
	}
	return e, fixed, b.openErr()
}

// Account is an account of the chart the books were read with.
func (b Books) Account(code string) (Account, bool) {
	a, ok := b.chart[code]
	return a, ok
}
