package billing

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/ledger"
)

// CreditNote gives back part of an invoice: a return or a price correction.
// It lowers what the invoice still owes (Applied); what is more than that
// (the invoice was already paid) is the customer's credit (Unallocated),
// which a later allocation applies to another invoice.
type CreditNote struct {
	ID             string
	Number         string // CN-YYYY-NNNNNN, gapless within the year
	InvoiceID      string
	InvoiceNumber  string
	AccountID      string
	Currency       string
	IssueDate      quotient.Date
	Reason         string
	Net            int64
	Tax            int64
	Total          int64
	Applied        int64 // taken off the invoice's amount due at issue
	Unallocated    int64 // credit left for other invoices
	JournalEntryID string
	CreatedBy      string
	Version        int
	CreatedAt      time.Time
	Lines          []CreditLine
	Allocations    []Allocation // where the credit went, its own invoice first
}

// CreditLine is what a credit note gives back of one invoice line. Quantity
// is zero for a credit by amount (or by days of service).
type CreditLine struct {
	InvoiceLine int // the line of the invoice, from 1
	OrderLineID string
	SKU         string
	Name        string
	Quantity    quotient.Quantity
	Net         int64
	Tax         int64
	TaxRateID   string
	TaxRatePct  decimal.Decimal
	Family      string
}

// CreditLineInput credits a quantity of an invoice line: by its order
// line, or by its number on the invoice (Line, from 1), which a
// subscription invoice needs where it charges an order line on several
// lines (periods, or seats an amendment split).
type CreditLineInput struct {
	OrderLineID string
	Line        int
	Quantity    quotient.Quantity
}

// CreditNoteInput asks for a credit note: lines, or a gross amount spread
// over the invoice's lines in proportion to what each charged.
type CreditNoteInput struct {
	InvoiceID string
	Lines     []CreditLineInput
	Amount    *decimal.Decimal
	Reason    string
}

// Credited is what earlier credit notes gave back of an invoice line,
// by its number on the invoice.
type Credited struct {
	Quantity quotient.Quantity
	Net, Tax int64
}

// CreditStore is what credit notes need beyond PaymentStore.
type CreditStore interface {
	PaymentStore
	// LockInvoice loads an invoice with its lines, locked until the end
	// of the transaction.
	LockInvoice(ctx context.Context, id string) (Invoice, error)
	// CreditedLines sums earlier credit notes of an invoice by invoice
	// line number.
	CreditedLines(ctx context.Context, invoiceID string) (map[int]Credited, error)
	// UnrecognisedSchedule is the months of an invoice line's revenue
	// schedule not recognised yet, latest first; the invoice is locked.
	UnrecognisedSchedule(ctx context.Context, invoiceID string, line int) ([]ScheduleMonth, error)
	// ReduceSchedule takes amount (base in base currency) off a month of
	// an invoice line's schedule not recognised yet; a month left with
	// nothing goes.
	ReduceSchedule(ctx context.Context, invoiceID string, line int, month string, amount, base int64) error
	InsertCreditNote(ctx context.Context, cn CreditNote) error
	InsertCreditAllocation(ctx context.Context, creditNoteID string, a Allocation) error
	GetCreditNote(ctx context.Context, id string) (CreditNote, error)
	ListCreditNotes(ctx context.Context, accountID, invoiceID string, r quotient.Reach, p quotient.Page) ([]CreditNote, error)
	// UseCreditNote lowers a credit note's unallocated amount by minor if it
	// has that much, and reports whether it did.
	UseCreditNote(ctx context.Context, id string, minor int64) (bool, error)
}

// ScheduleMonth is a month of an invoice line's revenue schedule.
type ScheduleMonth struct {
	Month        string // YYYY-MM
	Amount, Base int64
}

// IssueCreditNote credits an invoice (finance) and posts the reverse of its
// revenue and tax: debit revenue by family and sales tax payable, credit
// accounts receivable with what the invoice still owed and customer
// credits with the rest. Never more than the invoice charged less earlier
// credit notes, per line and in total. A line of a service period gives
// back revenue not recognised yet first, latest month first (debit
// deferred revenue, the schedule lowered alike), and what is more than
// that from revenue.
func (s *Service) IssueCreditNote(ctx context.Context, st CreditStore, in CreditNoteInput) (CreditNote, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return CreditNote{}, err
	}
	if a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		return CreditNote{}, quotient.Errorf(quotient.Forbidden, "credit notes are issued by finance")
	}
	p := quotient.Problems{}
	if in.InvoiceID == "" {
		p.Add("invoice_id", "is required")
	}
	p.Text("reason", in.Reason, quotient.Required, 500)
	switch {
	case len(in.Lines) == 0 && in.Amount == nil:
		p.Add("lines", "give the lines to credit, or an amount")
	case len(in.Lines) > 0 && in.Amount != nil:
		p.Add("amount", "give lines or an amount, not both")
	case len(in.Lines) > 1000:
		p.Add("lines", "at most 1000 lines")
	}
	if err := p.Err(); err != nil {
		return CreditNote{}, err
	}
	inv, done, err := creditable(ctx, st, in.InvoiceID)
	if quotient.ErrorCode(err) == quotient.NotFound {
		p.Add("invoice_id", "no invoice %q", in.InvoiceID)
		return CreditNote{}, p.Err()
	} else if err != nil {
		return CreditNote{}, err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	var lines []CreditLine
	if in.Amount != nil {
		lines = byAmount(&p, inv, done, *in.Amount, c)
	} else {
		lines = byLines(&p, inv, done, in.Lines, c)
	}
	if err := p.Err(); err != nil {
		return CreditNote{}, err
	}
	return s.issueCredit(ctx, st, inv, lines, in.Reason, a.UserID)
}

// ServiceCredit is days of service an invoice charged that will not be
// given: Quantity units of the period it charged a subscription for from
// PeriodStart, from From to the period's end.
type ServiceCredit struct {
	SubscriptionID string
	PeriodStart    quotient.Date
	Quantity       quotient.Quantity
	From           quotient.Date
}

// CreditServices credits an invoice for days of service it charged that
// will not be given (a reduction a contract's terms credit), as actorID:
// the caller decided the credit is owed, so it need not be finance's.
// Each part is the line's net and tax times the units over the line's
// and the days over the period's, rounded once to the currency, and
// never more than is left of the line.
func (s *Service) CreditServices(ctx context.Context, st CreditStore, invoiceID string, parts []ServiceCredit, reason, actorID string) (CreditNote, error) {
	inv, done, err := creditable(ctx, st, invoiceID)
	if err != nil {
		return CreditNote{}, err
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	var lines []CreditLine
	for _, sc := range parts {
		i := slices.IndexFunc(inv.Lines, func(l InvoiceLine) bool {
			return l.SubscriptionID == sc.SubscriptionID && l.ServiceStart == sc.PeriodStart
		})
		if i < 0 {
			return CreditNote{}, fmt.Errorf("billing: invoice %s has no period from %s of subscription %s", inv.Number, sc.PeriodStart, sc.SubscriptionID)
		}
		l := inv.Lines[i]
		from := sc.From
		if from.Before(l.ServiceStart) {
			from = l.ServiceStart
		}
		days, all := int64(l.ServiceEnd.DaysSince(from)+1), int64(l.ServiceEnd.DaysSince(l.ServiceStart)+1)
		if days <= 0 || sc.Quantity <= 0 {
			continue
		}
		q := min(sc.Quantity, l.Quantity)
		d := done[i+1]
		num, den := int64(q)*days, int64(l.Quantity)*all
		net, tax := min(part(c, l.Net, num, den), l.Net-d.Net), min(part(c, l.Tax, num, den), l.Tax-d.Tax)
		if net+tax <= 0 {
			continue
		}
		lines = append(lines, creditLine(i+1, l, 0, net, tax))
		done[i+1] = Credited{Quantity: d.Quantity, Net: d.Net + net, Tax: d.Tax + tax}
	}
	if len(lines) == 0 {
		return CreditNote{}, nil
	}
	return s.issueCredit(ctx, st, inv, lines, reason, actorID)
}

// creditable locks an invoice that is not void and reads what earlier
// credit notes gave back of its lines.
func creditable(ctx context.Context, st CreditStore, id string) (Invoice, map[int]Credited, error) {
	inv, err := st.LockInvoice(ctx, id)
	if err != nil {
		return inv, nil, err
	}
	if inv.Status == Void {
		return inv, nil, quotient.Errorf(quotient.Conflict, "invoice %s is void", inv.Number)
	}
	done, err := st.CreditedLines(ctx, inv.ID)
	return inv, done, err
}

// issueCredit numbers, posts and stores a credit note of lines of inv (locked).
func (s *Service) issueCredit(ctx context.Context, st CreditStore, inv Invoice, lines []CreditLine, reason, actorID string) (CreditNote, error) {
	now := s.now().UTC()
	cn := CreditNote{ID: quotient.NewID("cn"), InvoiceID: inv.ID, InvoiceNumber: inv.Number, AccountID: inv.AccountID, Currency: inv.Currency,
		IssueDate: quotient.DateOf(now), Reason: reason, CreatedBy: actorID, Version: 1, CreatedAt: now, Lines: lines}
	var err error
	for _, l := range cn.Lines {
		cn.Net += l.Net
		cn.Tax += l.Tax
	}
	cn.Total = cn.Net + cn.Tax
	cn.Applied = min(cn.Total, inv.AmountDue)
	cn.Unallocated = cn.Total - cn.Applied
	if cn.Number, err = yearNumber(ctx, st, "credit_note", "CN", cn.IssueDate.Year()); err != nil {
		return CreditNote{}, err
	}
	applied := Allocation{ID: quotient.NewID("cal"), InvoiceID: inv.ID, Amount: cn.Applied, AppliedOn: cn.IssueDate, CreatedAt: now,
		Base: inv.clears(cn.Applied), due: inv.AmountDue}
	entry, err := s.postCredit(ctx, st, inv, cn, applied)
	if err != nil {
		return CreditNote{}, err
	}
	cn.JournalEntryID = entry.ID
	if err := st.InsertCreditNote(ctx, cn); err != nil {
		return CreditNote{}, err
	}
	if cn.Applied > 0 {
		applied.JournalEntryID = entry.ID
		if err := s.applyCredit(ctx, st, cn.ID, applied, now); err != nil {
			return CreditNote{}, err
		}
	}
	return st.GetCreditNote(ctx, cn.ID)
}

// byLines credits quantities of invoice lines at the invoice's prices;
// the last of a line's quantity takes what is left of its amounts, so a
// line credited in full gives back exactly what it charged.
func byLines(p *quotient.Problems, inv Invoice, done map[int]Credited, in []CreditLineInput, c quotient.Currency) []CreditLine {
	byID := map[string][]int{}
	for i, l := range inv.Lines {
		byID[l.OrderLineID] = append(byID[l.OrderLineID], i+1)
	}
	seen := map[int]bool{}
	var out []CreditLine
	for i, r := range in {
		f := fmt.Sprintf("lines[%d]", i)
		no := r.Line
		switch {
		case no != 0 && (no < 1 || no > len(inv.Lines)):
			p.Add(f+".line", "invoice %s has lines 1 to %d", inv.Number, len(inv.Lines))
			continue
		case no != 0 && r.OrderLineID != "" && inv.Lines[no-1].OrderLineID != r.OrderLineID:
			p.Add(f+".order_line_id", "is not the order line of line %d of invoice %s", no, inv.Number)
			continue
		case no == 0 && len(byID[r.OrderLineID]) == 0:
			p.Add(f+".order_line_id", "is not a line of invoice %s", inv.Number)
			continue
		case no == 0 && len(byID[r.OrderLineID]) > 1:
			p.Add(f+".line", "invoice %s charges order line %s on lines %s; name the line", inv.Number, r.OrderLineID, joinInts(byID[r.OrderLineID]))
			continue
		case no == 0:
			no = byID[r.OrderLineID][0]
		}
		if seen[no] {
			p.Add(f+".line", "line %d of invoice %s is named twice", no, inv.Number)
			continue
		}
		seen[no] = true
		l := inv.Lines[no-1]
		d := done[no]
		left := l.Quantity - d.Quantity
		if r.Quantity <= 0 || r.Quantity > left {
			p.Add(f+".quantity", "must be more than 0 and at most the %s of it not yet credited", left.String())
			continue
		}
		net, tax := l.Net-d.Net, l.Tax-d.Tax
		if r.Quantity < left {
			net, tax = part(c, l.Net, int64(r.Quantity), int64(l.Quantity)), part(c, l.Tax, int64(r.Quantity), int64(l.Quantity))
		}
		if net+tax <= 0 || net > l.Net-d.Net || tax > l.Tax-d.Tax {
			p.Add(f+".quantity", "earlier credit notes already gave back what this line charged")
			continue
		}
		out = append(out, creditLine(no, l, r.Quantity, net, tax))
	}
	return out
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}

// byAmount spreads a gross amount over the invoice's lines in proportion
// to what is left of each, the tax of each part at the line's rate; the
// last part takes the remainder so the parts add up exactly.
func byAmount(p *quotient.Problems, inv Invoice, done map[int]Credited, amount decimal.Decimal, c quotient.Currency) []CreditLine {
	want, ok := c.ToMinor(amount)
	if !ok || want <= 0 {
		p.Add("amount", "must be positive with at most %d decimals in %s", c.MinorUnits, c.Code)
		return nil
	}
	var open int64
	for i, l := range inv.Lines {
		d := done[i+1]
		open += l.Net + l.Tax - d.Net - d.Tax
	}
	if want > open {
		p.Add("amount", "is more than the %s of invoice %s not yet credited", c.Format(c.FromMinor(open)), inv.Number)
		return nil
	}
	var out []CreditLine
	given, seen := int64(0), int64(0)
	for i, l := range inv.Lines {
		d := done[i+1]
		lineOpen := l.Net + l.Tax - d.Net - d.Tax
		if lineOpen <= 0 {
			continue
		}
		seen += lineOpen
		gross := part(c, want, seen, open) - given
		if seen == open {
			gross = want - given
		}
		given += gross
		if gross == 0 {
			continue
		}
		tax := int64(0)
		if l.Net+l.Tax != 0 {
			tax = part(c, gross, l.Tax, l.Net+l.Tax)
		}
		tax = min(tax, l.Tax-d.Tax)
		out = append(out, creditLine(i+1, l, 0, gross-tax, tax))
	}
	return out
}

// part is num/den of an amount in minor units, rounded to the currency.
func part(c quotient.Currency, minor, num, den int64) int64 {
	return c.RoundMinor(c.FromMinor(minor).Mul(decimal.NewFromInt(num)).Div(decimal.NewFromInt(den)))
}

func creditLine(no int, l InvoiceLine, q quotient.Quantity, net, tax int64) CreditLine {
	return CreditLine{InvoiceLine: no, OrderLineID: l.OrderLineID, SKU: l.SKU, Name: l.Name, Quantity: q, Net: net, Tax: tax, TaxRateID: l.TaxRateID,
		TaxRatePct: l.TaxRatePct, Family: l.Family}
}

// postCredit books a credit note: the reverse of the invoice's revenue by
// family and tax, against what the invoice owed and the customer's credit.
// A service line's net comes off its schedule's months not recognised yet
// first (deferred revenue, at the base amounts it was deferred at), the
// rest off revenue.
func (s *Service) postCredit(ctx context.Context, st CreditStore, inv Invoice, cn CreditNote, applied Allocation) (ledger.Entry, error) {
	books, err := s.ledger.Open(ctx, st, cn.IssueDate)
	if err != nil {
		return ledger.Entry{}, err
	}
	revenue := map[string]int64{}
	deferred := ledger.LineInput{AccountCode: ledger.DeferredRevenue, FixedBase: true}
	for _, l := range cn.Lines {
		net := l.Net
		if inv.Lines[l.InvoiceLine-1].Deferred() && net > 0 {
			amount, base, err := unwind(ctx, st, inv.ID, l.InvoiceLine, net)
			if err != nil {
				return ledger.Entry{}, err
			}
			deferred.Debit += amount
			deferred.BaseDebit += base
			net -= amount
		}
		revenue[books.Revenue(l.Family)] += net
	}
	in := ledger.EntryInput{Date: cn.IssueDate, Memo: "Credit note " + cn.Number + " for " + cn.InvoiceNumber, Currency: cn.Currency,
		SourceType: "credit_note", SourceID: cn.ID, Event: "post", ExchangeAccount: ledger.RealizedExchange}
	if deferred.Debit > 0 {
		in.Lines = append(in.Lines, deferred)
	}
	for _, code := range sortedKeys(revenue) {
		in.Lines = addLine(in.Lines, code, revenue[code], 0)
	}
	in.Lines = addLine(in.Lines, ledger.SalesTaxPayable, cn.Tax, 0)
	in.Lines = append(in.Lines, clearing([]Allocation{applied}, cn.Applied)...)
	in.Lines = addLine(in.Lines, ledger.CustomerCredits, 0, cn.Unallocated)
	e, _, err := s.ledger.Record(ctx, st, books, in, cn.CreatedBy)
	return e, err
}

// unwind takes up to want off an invoice line's schedule, latest month
// not recognised first, and returns what it took and its base amount.
func unwind(ctx context.Context, st CreditStore, invoiceID string, line int, want int64) (amount, base int64, err error) {
	months, err := st.UnrecognisedSchedule(ctx, invoiceID, line)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range months {
		if want == 0 {
			break
		}
		if m.Amount <= 0 {
			continue
		}
		take, b := min(want, m.Amount), m.Base
		if take < m.Amount {
			b = ledger.Share(m.Base, take, m.Amount)
		}
		if err := st.ReduceSchedule(ctx, invoiceID, line, m.Month, take, b); err != nil {
			return 0, 0, err
		}
		want, amount, base = want-take, amount+take, base+b
	}
	return amount, base, nil
}

// addLine adds a journal line unless both sides are zero; a negative
// amount (a credit note of a discount line) moves to the other side.
func addLine(lines []ledger.LineInput, code string, debit, credit int64) []ledger.LineInput {
	if d := debit - credit; d != 0 {
		l := ledger.LineInput{AccountCode: code}
		if d > 0 {
			l.Debit = d
		} else {
			l.Credit = -d
		}
		lines = append(lines, l)
	}
	return lines
}

func sortedKeys(m map[string]int64) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (s *Service) applyCredit(ctx context.Context, st CreditStore, creditNoteID string, al Allocation, now time.Time) error {
	ok, err := st.ApplyToInvoice(ctx, al.InvoiceID, al.Amount, max(al.Base, 0), al.due, now)
	if err != nil {
		return err
	}
	if !ok {
		return quotient.Errorf(quotient.Conflict, "invoice %s was paid meanwhile; try again", al.InvoiceID)
	}
	return st.InsertCreditAllocation(ctx, creditNoteID, al)
}

// AllocateCreditNote applies what is left of a credit note to other open
// invoices of its account (finance): debit customer credits, credit
// accounts receivable.
func (s *Service) AllocateCreditNote(ctx context.Context, st CreditStore, id string, allocs []AllocationInput) (CreditNote, error) {
	cn, err := st.GetCreditNote(ctx, id)
	if err != nil {
		return CreditNote{}, err
	}
	err = s.spendCredit(ctx, st, credit{kind: "credit_note", id: cn.ID, name: "credit note " + cn.Number, accountID: cn.AccountID,
		currency: cn.Currency, left: cn.Unallocated, use: st.UseCreditNote,
		record: func(al Allocation, now time.Time) error { return s.applyCredit(ctx, st, cn.ID, al, now) }}, allocs)
	if err != nil {
		return CreditNote{}, err
	}
	return st.GetCreditNote(ctx, id)
}

// credit is customer credit to spend: a payment's or a credit note's.
type credit struct {
	kind, id, name      string
	accountID, currency string
	left                int64
	use                 func(ctx context.Context, id string, minor int64) (bool, error)
	record              func(al Allocation, now time.Time) error
}

// spendCredit applies customer credit to open invoices and posts it.
func (s *Service) spendCredit(ctx context.Context, st PaymentStore, cr credit, allocs []AllocationInput) error {
	a, err := requireFinanceWrite(ctx)
	if err != nil {
		return err
	}
	c, _ := quotient.LookupCurrency(cr.currency)
	open, err := st.OpenInvoices(ctx, cr.accountID, cr.currency)
	if err != nil {
		return err
	}
	p := quotient.Problems{}
	if len(allocs) == 0 {
		p.Add("allocations", "name the invoices to apply the credit to")
	}
	made, left := requested(&p, allocs, open, c, cr.left, quotient.Date{}) // credit applied later earns no discount
	total := cr.left - left
	if err := p.Err(); err != nil {
		return err
	}
	now := s.now().UTC()
	ok, err := cr.use(ctx, cr.id, total)
	if err != nil {
		return err
	}
	if !ok {
		return quotient.Errorf(quotient.Conflict, "the credit of %s was used meanwhile; fetch it again", cr.name)
	}
	in := ledger.EntryInput{Date: quotient.DateOf(now), Memo: "Credit applied from " + cr.name, Currency: cr.currency,
		SourceType: cr.kind, SourceID: cr.id, Event: "allocate:" + made[0].ID, ExchangeAccount: ledger.RealizedExchange,
		Lines: append([]ledger.LineInput{{AccountCode: ledger.CustomerCredits, Debit: total}}, clearing(made, total)...)}
	e, _, err := s.ledger.PostOnce(ctx, st, in, a.UserID)
	if err != nil {
		return err
	}
	for _, al := range made {
		al.JournalEntryID, al.CreatedAt, al.AppliedOn = e.ID, now, in.Date
		if err := cr.record(al, now); err != nil {
			return err
		}
	}
	return nil
}

// GetCreditNote returns a credit note with its lines and allocations.
func (s *Service) GetCreditNote(ctx context.Context, st CreditStore, id string) (CreditNote, error) {
	cn, err := st.GetCreditNote(ctx, id)
	if err != nil {
		return CreditNote{}, err
	}
	return cn, quotient.CheckReach(ctx, st, "credit note", id, cn.AccountID)
}

// CreditNotes lists credit notes (headers) by id.
func (s *Service) CreditNotes(ctx context.Context, st CreditStore, accountID, invoiceID string, p quotient.Page) ([]CreditNote, error) {
	r, err := reach(ctx)
	if err != nil {
		return nil, err
	}
	return st.ListCreditNotes(ctx, accountID, invoiceID, r, p)
}
