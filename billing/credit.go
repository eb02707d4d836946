package billing

import (
	"context"
	"fmt"
	"sort"
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
// is zero for a credit by amount.
type CreditLine struct {
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

// CreditLineInput credits a quantity of an invoice line (by its order line).
type CreditLineInput struct {
	OrderLineID string
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

// Credited is what earlier credit notes gave back of an invoice line.
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
	// CreditedLines sums earlier credit notes of an invoice by order line.
	CreditedLines(ctx context.Context, invoiceID string) (map[string]Credited, error)
	InsertCreditNote(ctx context.Context, cn CreditNote) error
	InsertCreditAllocation(ctx context.Context, creditNoteID string, a Allocation) error
	GetCreditNote(ctx context.Context, id string) (CreditNote, error)
	ListCreditNotes(ctx context.Context, accountID, invoiceID string, r quotient.Reach, p quotient.Page) ([]CreditNote, error)
	// UseCreditNote lowers a credit note's unallocated amount by minor if it
	// has that much, and reports whether it did.
	UseCreditNote(ctx context.Context, id string, minor int64) (bool, error)
}

// IssueCreditNote credits an invoice (finance) and posts the reverse of its
// revenue and tax: debit revenue by family and sales tax payable, credit
// accounts receivable with what the invoice still owed and customer
// credits with the rest. Never more than the invoice charged less earlier
// credit notes, per line and in total.
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
	inv, err := st.LockInvoice(ctx, in.InvoiceID)
	if quotient.ErrorCode(err) == quotient.NotFound {
		p.Add("invoice_id", "no invoice %q", in.InvoiceID)
		return CreditNote{}, p.Err()
	} else if err != nil {
		return CreditNote{}, err
	}
	if inv.Status == Void {
		return CreditNote{}, quotient.Errorf(quotient.Conflict, "invoice %s is void", inv.Number)
	}
	for _, l := range inv.Lines {
		if l.Deferred() {
			// Its revenue is deferred and recognised month by month; a
			// credit would have to unwind the schedule, which is not built.
			return CreditNote{}, quotient.FieldErrorf(quotient.Unprocessable, "invoice_id",
				"invoice %s charges subscription periods; change them through the contract (amend or cancel it) rather than a credit note", inv.Number)
		}
	}
	c, _ := quotient.LookupCurrency(inv.Currency)
	done, err := st.CreditedLines(ctx, inv.ID)
	if err != nil {
		return CreditNote{}, err
	}
	now := s.now().UTC()
	cn := CreditNote{ID: quotient.NewID("cn"), InvoiceID: inv.ID, InvoiceNumber: inv.Number, AccountID: inv.AccountID, Currency: inv.Currency,
		IssueDate: quotient.DateOf(now), Reason: in.Reason, CreatedBy: a.UserID, Version: 1, CreatedAt: now}
	if in.Amount != nil {
		cn.Lines = byAmount(&p, inv, done, *in.Amount, c)
	} else {
		cn.Lines = byLines(&p, inv, done, in.Lines, c)
	}
	if err := p.Err(); err != nil {
		return CreditNote{}, err
	}
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
	entry, err := s.postCredit(ctx, st, cn, applied)
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
func byLines(p *quotient.Problems, inv Invoice, done map[string]Credited, in []CreditLineInput, c quotient.Currency) []CreditLine {
	byID := map[string]InvoiceLine{}
	for _, l := range inv.Lines {
		byID[l.OrderLineID] = l
	}
	seen := map[string]bool{}
	var out []CreditLine
	for i, r := range in {
		f := fmt.Sprintf("lines[%d]", i)
		l, ok := byID[r.OrderLineID]
		if !ok || seen[r.OrderLineID] {
			p.Add(f+".order_line_id", "is not a line of invoice %s (or is named twice)", inv.Number)
			continue
		}
		seen[r.OrderLineID] = true
		d := done[l.OrderLineID]
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
		out = append(out, creditLine(l, r.Quantity, net, tax))
	}
	return out
}

// byAmount spreads a gross amount over the invoice's lines in proportion
// to what is left of each, the tax of each part at the line's rate; the
// last part takes the remainder so the parts add up exactly.
func byAmount(p *quotient.Problems, inv Invoice, done map[string]Credited, amount decimal.Decimal, c quotient.Currency) []CreditLine {
	want, ok := c.ToMinor(amount)
	if !ok || want <= 0 {
		p.Add("amount", "must be positive with at most %d decimals in %s", c.MinorUnits, c.Code)
		return nil
	}
	var open int64
	for _, l := range inv.Lines {
		d := done[l.OrderLineID]
		open += l.Net + l.Tax - d.Net - d.Tax
	}
	if want > open {
		p.Add("amount", "is more than the %s of invoice %s not yet credited", c.Format(c.FromMinor(open)), inv.Number)
		return nil
	}
	var out []CreditLine
	given, seen := int64(0), int64(0)
	for _, l := range inv.Lines {
		d := done[l.OrderLineID]
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
		out = append(out, creditLine(l, 0, gross-tax, tax))
	}
	return out
}

// part is num/den of an amount in minor units, rounded to the currency.
func part(c quotient.Currency, minor, num, den int64) int64 {
	return c.RoundMinor(c.FromMinor(minor).Mul(decimal.NewFromInt(num)).Div(decimal.NewFromInt(den)))
}

func creditLine(l InvoiceLine, q quotient.Quantity, net, tax int64) CreditLine {
	return CreditLine{OrderLineID: l.OrderLineID, SKU: l.SKU, Name: l.Name, Quantity: q, Net: net, Tax: tax, TaxRateID: l.TaxRateID,
		TaxRatePct: l.TaxRatePct, Family: l.Family}
}

// postCredit books a credit note: the reverse of the invoice's revenue by
// family and tax, against what the invoice owed and the customer's credit.
func (s *Service) postCredit(ctx context.Context, st CreditStore, cn CreditNote, applied Allocation) (ledger.Entry, error) {
	books, err := s.ledger.Open(ctx, st, cn.IssueDate)
	if err != nil {
		return ledger.Entry{}, err
	}
	revenue := map[string]int64{}
	for _, l := range cn.Lines {
		revenue[books.Revenue(l.Family)] += l.Net
	}
	in := ledger.EntryInput{Date: cn.IssueDate, Memo: "Credit note " + cn.Number + " for " + cn.InvoiceNumber, Currency: cn.Currency,
		SourceType: "credit_note", SourceID: cn.ID, Event: "post", ExchangeAccount: ledger.RealizedExchange}
	for _, code := range sortedKeys(revenue) {
		in.Lines = addLine(in.Lines, code, revenue[code], 0)
	}
	in.Lines = addLine(in.Lines, ledger.SalesTaxPayable, cn.Tax, 0)
	in.Lines = append(in.Lines, clearing([]Allocation{applied}, cn.Applied)...)
	in.Lines = addLine(in.Lines, ledger.CustomerCredits, 0, cn.Unallocated)
	e, _, err := s.ledger.Record(ctx, st, books, in, cn.CreatedBy)
	return e, err
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
