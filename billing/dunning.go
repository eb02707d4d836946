package billing

import (
	"context"
	"sort"
	"strings"
	"text/template"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/outbox"
)

// DunningLevel is a reminder sent when an invoice is so many days overdue.
// Subject and Body are text/template texts over DunningData.
type DunningLevel struct {
	ID          string
	Level       int
	Name        string
	DaysOverdue int
	Subject     string
	Body        string
	Active      bool
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// DunningLevelInput creates a level; nil fields of a patch stay as they are.
type DunningLevelInput struct {
	Level       *int
	Name        *string
	DaysOverdue *int
	Subject     *string
	Body        *string
	Active      *bool
}

// DunningData is what a reminder's subject and body can say.
type DunningData struct {
	AccountName   string
	InvoiceNumber string
	IssueDate     string
	DueDate       string
	DaysOverdue   int
	AmountDue     string // formatted with the currency: "1234.50 USD"
	Total         string
	Level         int
}

// DunningNotice is a reminder an invoice got: its level, when, to whom,
// and how its e-mail fared (from the outbox).
type DunningNotice struct {
	ID          string
	InvoiceID   string
	LevelID     string
	Level       int
	LevelName   string
	DaysOverdue int
	SentTo      string // empty: the account has no contact with an e-mail address
	OutboxID    string
	MailStatus  string // pending, sent, failed; empty when nothing was sent
	CreatedAt   time.Time
}

// Overdue is an open invoice past its due date, with the highest dunning
// level it has had (0 for none) and where to write to.
type Overdue struct {
	Invoice   Invoice
	Account   string
	LastLevel int
}

// DunningStore is what dunning needs.
type DunningStore interface {
	Store
	InsertDunningLevel(ctx context.Context, l DunningLevel) error
	UpdateDunningLevel(ctx context.Context, l DunningLevel, old int) error
	GetDunningLevel(ctx context.Context, id string) (DunningLevel, error)
	ListDunningLevels(ctx context.Context) ([]DunningLevel, error)
	// OverdueInvoices lists open invoices due before day, oldest due first.
	OverdueInvoices(ctx context.Context, day quotient.Date) ([]Overdue, error)
	// DunningEmail is where an account's reminders go: its first contact
	// with an e-mail address, or "".
	DunningEmail(ctx context.Context, accountID string) (string, error)
	// InsertDunningNotice records a notice unless the invoice had that
	// level already, and reports whether it did.
	InsertDunningNotice(ctx context.Context, n DunningNotice) (bool, error)
	DunningNotices(ctx context.Context, invoiceID string) ([]DunningNotice, error)
	// InsertOutbox queues an e-mail in the caller's transaction.
	InsertOutbox(ctx context.Context, m outbox.Message) error
	// ClaimDay records that a daily job ran on day and reports whether this
	// caller is the first to run it that day.
	ClaimDay(ctx context.Context, job string, day quotient.Date) (bool, error)
}

var sampleDunning = DunningData{AccountName: "Example Ltd", InvoiceNumber: "INV-2026-000001", IssueDate: "2026-01-01", DueDate: "2026-01-31",
	DaysOverdue: 15, AmountDue: "1234.50 USD", Total: "1234.50 USD", Level: 1}

// render fills a template in; parsed keeps what was parsed already (by
// text) across calls, when given.
func render(parsed map[string]*template.Template, field, text string, d DunningData) (string, error) {
	t := parsed[text]
	if t == nil {
		var err error
		if t, err = template.New(field).Option("missingkey=error").Parse(text); err != nil {
			return "", quotient.FieldErrorf(quotient.Unprocessable, field, "is not a valid template: %v", err)
		}
		if parsed != nil {
			parsed[text] = t
		}
	}
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", quotient.FieldErrorf(quotient.Unprocessable, field, "cannot be filled in: %v (use {{.AccountName}}, {{.InvoiceNumber}}, {{.IssueDate}}, {{.DueDate}}, {{.DaysOverdue}}, {{.AmountDue}}, {{.Total}}, {{.Level}})", err)
	}
	return b.String(), nil
}

func requireFinance(ctx context.Context, what string) (quotient.Actor, error) {
	a, err := quotient.RequireActor(ctx)
	if err == nil && a.Role != quotient.RoleAdmin && a.Role != quotient.RoleFinance {
		err = quotient.Errorf(quotient.Forbidden, "%s is finance's", what)
	}
	return a, err
}

func (l *DunningLevel) apply(in DunningLevelInput) error {
	if in.Level != nil {
		l.Level = *in.Level
	}
	if in.Name != nil {
		l.Name = *in.Name
	}
	if in.DaysOverdue != nil {
		l.DaysOverdue = *in.DaysOverdue
	}
	if in.Subject != nil {
		l.Subject = *in.Subject
	}
	if in.Body != nil {
		l.Body = *in.Body
	}
	if in.Active != nil {
		l.Active = *in.Active
	}
	p := quotient.Problems{}
	if l.Level < 1 || l.Level > 99 {
		p.Add("level", "must be from 1 to 99")
	}
	p.Text("name", l.Name, quotient.Required, 200)
	if l.DaysOverdue < 1 || l.DaysOverdue > 3650 {
		p.Add("days_overdue", "must be from 1 to 3650")
	}
	p.Text("subject", l.Subject, quotient.Required, 300)
	p.Text("body", l.Body, quotient.Required, 20000)
	if err := p.Err(); err != nil {
		return err
	}
	for _, f := range [][2]string{{"subject", l.Subject}, {"body", l.Body}} {
		if _, err := render(nil, f[0], f[1], sampleDunning); err != nil {
			return err
		}
	}
	return nil
}

// checkLadder refuses a level whose number or days clash with another
// active level: higher levels come later.
func checkLadder(ctx context.Context, st DunningStore, l DunningLevel) error {
	all, err := st.ListDunningLevels(ctx)
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.ID == l.ID {
			continue
		}
		if o.Level == l.Level {
			return quotient.FieldErrorf(quotient.Conflict, "level", "level %d exists already (%s)", o.Level, o.Name)
		}
		if o.Active && l.Active && (o.Level < l.Level) != (o.DaysOverdue < l.DaysOverdue) {
			return quotient.FieldErrorf(quotient.Unprocessable, "days_overdue", "level %d (%s) is at %d days; higher levels must come later",
				o.Level, o.Name, o.DaysOverdue)
		}
	}
	return nil
}

// CreateDunningLevel adds a level (finance).
func (s *Service) CreateDunningLevel(ctx context.Context, st DunningStore, in DunningLevelInput) (DunningLevel, error) {
	if _, err := requireFinance(ctx, "dunning"); err != nil {
		return DunningLevel{}, err
	}
	now := s.now().UTC()
	l := DunningLevel{ID: quotient.NewID("dun"), Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := l.apply(in); err != nil {
		return DunningLevel{}, err
	}
	if err := checkLadder(ctx, st, l); err != nil {
		return DunningLevel{}, err
	}
	return l, st.InsertDunningLevel(ctx, l)
}

// UpdateDunningLevel changes a level (finance).
func (s *Service) UpdateDunningLevel(ctx context.Context, st DunningStore, id string, version int, in DunningLevelInput) (DunningLevel, error) {
	if _, err := requireFinance(ctx, "dunning"); err != nil {
		return DunningLevel{}, err
	}
	l, err := st.GetDunningLevel(ctx, id)
	if err != nil {
		return DunningLevel{}, err
	}
	if err := quotient.CheckVersion("dunning level", version, l.Version); err != nil {
		return DunningLevel{}, err
	}
	old := l.Version
	if err := l.apply(in); err != nil {
		return DunningLevel{}, err
	}
	if err := checkLadder(ctx, st, l); err != nil {
		return DunningLevel{}, err
	}
	l.Version++
	l.UpdatedAt = s.now().UTC()
	return l, st.UpdateDunningLevel(ctx, l, old)
}

// DunningLevels lists the levels by level.
func (s *Service) DunningLevels(ctx context.Context, st DunningStore) ([]DunningLevel, error) {
	if err := requireReader(ctx); err != nil {
		return nil, err
	}
	return st.ListDunningLevels(ctx)
}

// GetDunningLevel returns a level.
func (s *Service) GetDunningLevel(ctx context.Context, st DunningStore, id string) (DunningLevel, error) {
	if err := requireReader(ctx); err != nil {
		return DunningLevel{}, err
	}
	return st.GetDunningLevel(ctx, id)
}

// InvoiceDunning is an invoice's dunning history, oldest first.
func (s *Service) InvoiceDunning(ctx context.Context, st DunningStore, invoiceID string) ([]DunningNotice, error) {
	if _, err := s.Get(ctx, st, invoiceID); err != nil {
		return nil, err
	}
	return st.DunningNotices(ctx, invoiceID)
}

// RunDunning runs Dun now (finance), whether or not today's run happened.
func (s *Service) RunDunning(ctx context.Context, st DunningStore) (int, error) {
	if _, err := requireFinance(ctx, "running dunning"); err != nil {
		return 0, err
	}
	return s.Dun(ctx, st)
}

// DailyDunning runs Dun once per day across every server on the database:
// the first caller of the day does it, the rest return 0.
func (s *Service) DailyDunning(ctx context.Context, st DunningStore) (int, error) {
	ok, err := st.ClaimDay(ctx, "dunning", quotient.DateOf(s.now()))
	if err != nil || !ok {
		return 0, err
	}
	return s.Dun(ctx, st)
}

// Dun sends each overdue invoice the highest active level it has reached
// and not had yet, once: the e-mail goes to the account's first contact
// with an e-mail address through the outbox, and the invoice records the
// notice (with no recipient when the account has none). Lower levels it
// skipped past are not sent. It returns how many notices it recorded.
func (s *Service) Dun(ctx context.Context, st DunningStore) (int, error) {
	now := s.now().UTC()
	due, err := s.nextNotices(ctx, st, quotient.DateOf(now))
	if err != nil {
		return 0, err
	}
	parsed := map[string]*template.Template{} // each level's texts, parsed once a run
	sent := 0
	for _, nn := range due {
		od, level, days, to := nn.Overdue, &nn.Level, nn.Days, nn.To
		inv := od.Invoice
		c, _ := quotient.LookupCurrency(inv.Currency)
		d := DunningData{AccountName: od.Account, InvoiceNumber: inv.Number, IssueDate: inv.IssueDate.String(), DueDate: inv.DueDate.String(), DaysOverdue: days,
			AmountDue: c.Format(c.FromMinor(inv.AmountDue)) + " " + c.Code, Total: c.Format(c.FromMinor(inv.Total)) + " " + c.Code, Level: level.Level}
		n := DunningNotice{ID: quotient.NewID("dnt"), InvoiceID: inv.ID, LevelID: level.ID, Level: level.Level, LevelName: level.Name,
			DaysOverdue: days, SentTo: to, CreatedAt: now}
		msg := outbox.New(outbox.Dunning, "", outbox.Email{To: to}, now)
		if to != "" {
			n.OutboxID = msg.ID
		}
		inserted, err := st.InsertDunningNotice(ctx, n)
		if err != nil {
			return sent, err
		}
		if !inserted {
			continue
		}
		sent++
		if to == "" {
			continue
		}
		subject, err := render(parsed, "subject", level.Subject, d)
		if err != nil {
			return sent, err
		}
		body, err := render(parsed, "body", level.Body, d)
		if err != nil {
			return sent, err
		}
		msg.Email.Subject, msg.Email.Text = subject, body
		if err := st.InsertOutbox(ctx, msg); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// NextNotice is a reminder the next dunning run would send: the overdue
// invoice, the level it has reached and not had yet, its days overdue,
// and the address it goes to (empty when the account has none).
type NextNotice struct {
	Overdue
	Level DunningLevel
	Days  int
	To    string
}

// nextNotices is what a run on today sends: each overdue invoice's highest
// active level reached and not had yet.
func (s *Service) nextNotices(ctx context.Context, st DunningStore, today quotient.Date) ([]NextNotice, error) {
	levels, err := st.ListDunningLevels(ctx)
	if err != nil {
		return nil, err
	}
	active := levels[:0:0]
	for _, l := range levels {
		if l.Active {
			active = append(active, l)
		}
	}
	if len(active) == 0 {
		return nil, nil
	}
	sort.Slice(active, func(i, j int) bool { return active[i].DaysOverdue < active[j].DaysOverdue })
	due, err := st.OverdueInvoices(ctx, today)
	if err != nil {
		return nil, err
	}
	emails := map[string]string{}
	var out []NextNotice
	for _, od := range due {
		days := today.DaysSince(od.Invoice.DueDate)
		var level *DunningLevel
		for i := range active {
			if active[i].DaysOverdue <= days {
				level = &active[i]
			}
		}
		if level == nil || level.Level <= od.LastLevel {
			continue
		}
		to, ok := emails[od.Invoice.AccountID]
		if !ok {
			if to, err = st.DunningEmail(ctx, od.Invoice.AccountID); err != nil {
				return nil, err
			}
			emails[od.Invoice.AccountID] = to
		}
		out = append(out, NextNotice{Overdue: od, Level: *level, Days: days, To: to})
	}
	return out, nil
}

// NextDunning previews the next run (finance): the reminders it would
// send today, nothing sent.
func (s *Service) NextDunning(ctx context.Context, st DunningStore) ([]NextNotice, error) {
	if _, err := requireFinance(ctx, "previewing dunning"); err != nil {
		return nil, err
	}
	return s.nextNotices(ctx, st, quotient.DateOf(s.now()))
}
