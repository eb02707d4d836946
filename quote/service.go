package quote

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/rules"
)

// DefaultValidity is how long a new version is valid.
const DefaultValidity = 30 * 24 * time.Hour

// DefaultHorizonDays is how far ahead a quote may be valid unless
// configured: a year.
const DefaultHorizonDays = 365

// Service runs the quote lifecycle.
type Service struct {
	now     func() time.Time
	pricing *pricing.Service
	cache   *rules.Cache
	// HorizonDays bounds valid_until: at most this many days from today.
	HorizonDays int
	// WorkspaceURL is where the workspace is served (e-mails link to it);
	// empty: e-mails name the API instead.
	WorkspaceURL string
}

// NewService returns a Service pricing with p.
func NewService(now func() time.Time, p *pricing.Service) *Service {
	return &Service{now: now, pricing: p, cache: &rules.Cache{}, HorizonDays: DefaultHorizonDays}
}

// Input holds a new quote, or (as pointers in Patch) the changes to a draft.
type Input struct {
	OpportunityID     string
	AccountID         string
	ContactID         string
	PriceBookID       string
	ValidUntil        quotient.Date // DefaultValidity from today when zero
	Terms             string
	Notes             string
	HeaderDiscountPct decimal.Decimal
	Lines             []Line
	// Kind and ContractID are set by contracts for an amendment or a
	// renewal; a rep's quote is new business.
	Kind               Kind
	ContractID         string
	ReductionsCredited bool
}

// Patch holds the changes to a draft; nil leaves a field as it is, and
// Lines replaces every line.
type Patch struct {
	ContactID         *string
	ValidUntil        *quotient.Date
	Terms             *string
	Notes             *string
	HeaderDiscountPct *decimal.Decimal
	Lines             *[]Line
}

// mayWrite reports whether the actor may change quotes owned by ownerID:
// admins, the owner, and the owner's manager.
func mayWrite(a quotient.Actor, ownerID string) bool { return a.MayWriteOwnedBy(ownerID) }

// MayQuote reports whether the actor may start a quote for an account
// owned by accountOwner from an opportunity owned by opportunityOwner:
// the rule Create applies, for pages that offer it only to them.
func MayQuote(a quotient.Actor, accountOwner, opportunityOwner string) bool {
	return a.Role != quotient.RoleFinance && (mayWrite(a, accountOwner) || mayWrite(a, opportunityOwner))
}

// MayWrite reports whether the actor may change, submit, revise and send
// q: the rule every such use case applies, for pages that show only the
// actions a person may take.
func MayWrite(a quotient.Actor, q Quote) bool { return mayWrite(a, q.OwnerID) }

func (s *Service) event(ctx context.Context, st Store, q Quote, version int, kind string, w said) error {
	a, _ := quotient.RequireActor(ctx)
	return st.InsertEvent(ctx, Event{ID: quotient.NewID("qev"), QuoteID: q.ID, Version: version, Kind: kind, ActorID: a.UserID,
		Detail: w.String(), Format: w.format, Args: w.args, At: s.now().UTC()})
}

func (s *Service) validateHeader(v Version) error {
	p := quotient.Problems{}
	p.DateGiven("valid_until", v.ValidUntil)
	if last := quotient.DateOf(s.now()).AddDays(s.HorizonDays); v.ValidUntil.After(last) {
		p.Add("valid_until", "may be at most %d days ahead (%s)", s.HorizonDays, last)
	}
	p.Text("terms", v.Terms, quotient.Optional, 20000)
	p.Text("notes", v.Notes, quotient.Optional, 20000)
	if len(v.Lines) > pricing.MaxLines {
		p.Add("lines", "at most %d lines", pricing.MaxLines)
	}
	return p.Err()
}

// price prices a version's lines as of today with the current rulebook.
func (s *Service) price(ctx context.Context, st Store, q Quote, v *Version) error {
	p := quotient.Problems{}
	for i, l := range v.Lines {
		if l.ProductID != "" || l.SKU == "" {
			continue
		}
		pr, err := st.GetProductBySKU(ctx, l.SKU)
		switch {
		case quotient.ErrorCode(err) == quotient.NotFound:
			p.Add(fmt.Sprintf("lines[%d].sku", i), "no product has sku %q", l.SKU)
		case err != nil:
			return err
		default:
			v.Lines[i].ProductID, v.Lines[i].SKU = pr.ID, ""
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	v.PricingDate = quotient.DateOf(s.now())
	if len(v.Lines) == 0 {
		// A draft may start empty (a rep opens it from an opportunity,
		// then finds products); it prices to zero and cannot be
		// submitted until it has a line.
		v.Priced = &pricing.Result{Currency: q.Currency, PricingDate: v.PricingDate, PriceBookID: q.PriceBookID, HeaderDiscountPct: v.HeaderDiscountPct}
		return nil
	}
	lines := lineInputs(*v)
	res, err := s.pricing.Preview(ctx, st, pricing.PreviewInput{AccountID: q.AccountID, Currency: q.Currency, PriceBookID: q.PriceBookID,
		PricingDate: v.PricingDate, HeaderDiscountPct: v.HeaderDiscountPct, Lines: lines})
	if err != nil {
		return err
	}
	v.Priced = res
	// The lines keep what the configuration rules resolved.
	for i := range v.Lines {
		v.Lines[i].Configuration = res.Lines[i].Configuration
	}
	return recurringTerms(ctx, st, q, v)
}

// Create starts a quote from an opportunity (account, currency and price
// book come from it) or for an account, priced now, as draft version 1.
func (s *Service) Create(ctx context.Context, st Store, in Input) (Quote, Version, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Quote{}, Version{}, err
	}
	if a.Role == quotient.RoleFinance {
		return Quote{}, Version{}, quotient.Errorf(quotient.Forbidden, "finance may read quotes but not create them")
	}
	now := s.now().UTC()
	q := Quote{ID: quotient.NewID("qt"), AccountID: in.AccountID, ContactID: in.ContactID, OwnerID: a.UserID, Kind: in.Kind, ContractID: in.ContractID, ReductionsCredited: in.ReductionsCredited,
		CurrentVersion: 1, CreatedAt: now, UpdatedAt: now}
	if q.Kind == "" {
		q.Kind = New
	}
	if in.OpportunityID != "" {
		o, err := st.GetOpportunity(ctx, in.OpportunityID)
		if err != nil {
			return Quote{}, Version{}, notFoundAs(err, "opportunity_id", "no such opportunity")
		}
		if in.AccountID != "" && in.AccountID != o.AccountID {
			return Quote{}, Version{}, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "the opportunity belongs to account %s", o.AccountID)
		}
		if o.Stage.Closed() {
			return Quote{}, Version{}, quotient.FieldErrorf(quotient.Conflict, "opportunity_id", "the opportunity is %s; quote an open opportunity", o.Stage)
		}
		q.OpportunityID, q.AccountID = o.ID, o.AccountID
	}
	if q.AccountID == "" {
		return Quote{}, Version{}, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "give an opportunity_id or an account_id")
	}
	acc, err := st.GetAccount(ctx, q.AccountID)
	if err != nil {
		return Quote{}, Version{}, notFoundAs(err, "account_id", "no such account")
	}
	if !mayWrite(a, acc.OwnerID) {
		if q.OpportunityID == "" {
			return Quote{}, Version{}, quotient.Errorf(quotient.Forbidden, "account %s belongs to another rep", acc.ID)
		}
		if o, _ := st.GetOpportunity(ctx, q.OpportunityID); !MayQuote(a, acc.OwnerID, o.OwnerID) {
			return Quote{}, Version{}, quotient.Errorf(quotient.Forbidden, "the opportunity and its account belong to another rep")
		}
	}
	if err := s.checkContact(ctx, st, q.AccountID, q.ContactID); err != nil {
		return Quote{}, Version{}, err
	}
	if q.ContactID == "" { // the account's primary contact, so it can be sent
		c, err := st.PrimaryContact(ctx, q.AccountID)
		if err != nil && quotient.ErrorCode(err) != quotient.NotFound {
			return Quote{}, Version{}, err
		}
		q.ContactID = c.ID
	}
	q.Currency = acc.Currency
	book := in.PriceBookID
	if book == "" {
		book = acc.PriceBookID
	}
	if book == "" {
		b, err := st.DefaultPriceBook(ctx, acc.Currency)
		if err != nil {
			return Quote{}, Version{}, notFoundAs(err, "price_book_id", "there is no default price book in "+acc.Currency+"; name one")
		}
		book = b.ID
	}
	q.PriceBookID = book
	v := Version{QuoteID: q.ID, Version: 1, Status: Draft, ValidUntil: in.ValidUntil, Terms: in.Terms, Notes: in.Notes,
		HeaderDiscountPct: in.HeaderDiscountPct, Lines: in.Lines, ETag: 1, CreatedAt: now, UpdatedAt: now}
	if v.ValidUntil.IsZero() {
		v.ValidUntil = quotient.DateOf(now.Add(DefaultValidity))
	}
	if err := s.validateHeader(v); err != nil {
		return Quote{}, Version{}, err
	}
	if err := s.price(ctx, st, q, &v); err != nil {
		return Quote{}, Version{}, err
	}
	n, err := st.NextNumber(ctx, "quote")
	if err != nil {
		return Quote{}, Version{}, err
	}
	q.Number = fmt.Sprintf("Q-%06d", n)
	if err := st.InsertQuote(ctx, q); err != nil {
		return Quote{}, Version{}, err
	}
	if err := st.InsertVersion(ctx, v); err != nil {
		return Quote{}, Version{}, err
	}
	return q, v, s.event(ctx, st, q, 1, "created", says("%s line(s), total %s %s", strconv.Itoa(len(v.Lines)), v.Priced.Total.String(), q.Currency))
}

func (s *Service) checkContact(ctx context.Context, st Store, accountID, contactID string) error {
	if contactID == "" {
		return nil
	}
	c, err := st.GetContact(ctx, contactID)
	if err != nil {
		return notFoundAs(err, "contact_id", "no such contact")
	}
	if c.AccountID != accountID {
		return quotient.FieldErrorf(quotient.Unprocessable, "contact_id", "the contact belongs to another account")
	}
	return nil
}

func notFoundAs(err error, field, msg string) error {
	if quotient.ErrorCode(err) == quotient.NotFound {
		return quotient.FieldErrorf(quotient.Unprocessable, field, "%s", msg)
	}
	return err
}

// Get returns a quote and its current version.
func (s *Service) Get(ctx context.Context, st Store, id string) (Quote, Version, error) {
	q, err := s.Readable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, err
	}
	v, err := st.GetVersion(ctx, id, q.CurrentVersion)
	return q, v, err
}

// GetVersion returns one version of a quote.
func (s *Service) GetVersion(ctx context.Context, st Store, id string, n int) (Quote, Version, error) {
	q, err := s.Readable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, err
	}
	v, err := st.GetVersion(ctx, id, n)
	return q, v, err
}

// allQuotes reports whether the actor reads every quote: finance and
// admins always, everyone when the organisation opens quotes to reps.
func allQuotes(ctx context.Context, st Store, a quotient.Actor) (bool, error) {
	if a.Reach().All {
		return true, nil
	}
	return st.QuotesOpenToReps(ctx)
}

// Readable loads a quote the actor may read: one of an account in their
// reach, their own or their team's, one waiting for their decision, or
// any when quotes are open to reps. Any other is not found, exactly as a
// quote that does not exist.
func (s *Service) Readable(ctx context.Context, st Store, id string) (Quote, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Quote{}, err
	}
	q, err := st.GetQuote(ctx, id)
	if err != nil {
		return Quote{}, err
	}
	if all, err := allQuotes(ctx, st, a); err != nil || all {
		return q, err
	}
	ok, err := quotient.InReach(ctx, st, q.AccountID, q.OwnerID)
	if err == nil && !ok {
		ok, err = st.AsksDecisionOf(ctx, q.ID, a.UserID, string(a.Role))
	}
	if err != nil {
		return Quote{}, err
	}
	if !ok {
		return Quote{}, quotient.Errorf(quotient.NotFound, "quote %q not found", id)
	}
	return q, nil
}

// List returns a page of quotes.
func (s *Service) List(ctx context.Context, st Store, f Filter) ([]Quote, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return nil, err
	}
	if f.OwnerID == "me" {
		f.OwnerID = a.UserID
	}
	switch f.Approver {
	case "":
	case "me":
		f.ApproverID, f.ApproverRole = a.UserID, string(a.Role)
	default:
		return nil, quotient.FieldErrorf(quotient.Invalid, "approver", "only approver=me is supported (got %q)", f.Approver)
	}
	if f.Status != "" && !slices.Contains(Statuses, f.Status) {
		return nil, quotient.FieldErrorf(quotient.Invalid, "status", "must be one of %v (got %q)", Statuses, f.Status)
	}
	f.Reach = quotient.Reach{All: true}
	if all, err := allQuotes(ctx, st, a); err != nil {
		return nil, err
	} else if !all {
		f.Reach, f.ReaderID, f.ReaderRole = a.Reach(), a.UserID, string(a.Role)
	}
	return st.ListQuotes(ctx, f)
}

// Versions returns a quote with every one of its versions.
func (s *Service) Versions(ctx context.Context, st Store, id string) (Quote, []Version, error) {
	q, err := s.Readable(ctx, st, id)
	if err != nil {
		return Quote{}, nil, err
	}
	vs, err := st.ListVersions(ctx, id)
	return q, vs, err
}

// History returns a quote's events, oldest first.
func (s *Service) History(ctx context.Context, st Store, id string) ([]Event, error) {
	if _, err := s.Readable(ctx, st, id); err != nil {
		return nil, err
	}
	return st.ListEvents(ctx, id)
}

// writable loads a quote the actor may change, with its current version.
func (s *Service) writable(ctx context.Context, st Store, id string) (Quote, Version, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Quote{}, Version{}, err
	}
	q, err := st.GetQuote(ctx, id)
	if err != nil {
		return Quote{}, Version{}, err
	}
	if !mayWrite(a, q.OwnerID) {
		return Quote{}, Version{}, quotient.Errorf(quotient.Forbidden, "quote %s belongs to another rep", q.Number)
	}
	v, err := st.GetVersion(ctx, id, q.CurrentVersion)
	return q, v, err
}

func notDraft(q Quote, v Version, what string) error {
	return quotient.Errorf(quotient.Conflict, "quote %s version %d is %s; only a draft can %s (revise it to make a new draft)", q.Number, v.Version, v.Status, what)
}

// Update changes a draft and re-prices it.
func (s *Service) Update(ctx context.Context, st Store, id string, version, revision int, p Patch) (Quote, Version, error) {
	q, v, err := s.draft(ctx, st, id, version, revision)
	if err != nil {
		return Quote{}, Version{}, err
	}
	old := v.ETag
	if p.ContactID != nil {
		if err := s.checkContact(ctx, st, q.AccountID, *p.ContactID); err != nil {
			return Quote{}, Version{}, err
		}
		q.ContactID = *p.ContactID
	}
	setIf(&v.ValidUntil, p.ValidUntil)
	setIf(&v.Terms, p.Terms)
	setIf(&v.Notes, p.Notes)
	setIf(&v.HeaderDiscountPct, p.HeaderDiscountPct)
	if p.Lines != nil {
		v.Lines = carryContract(q, v.Lines, *p.Lines)
	}
	if err := s.validateHeader(v); err != nil {
		return Quote{}, Version{}, err
	}
	return s.repriced(ctx, st, q, v, old, says("%s line(s)", strconv.Itoa(len(v.Lines))))
}

// draft reads the current version of a quote the actor may change, at
// version and revision (0: any), and refuses one that is not a draft.
func (s *Service) draft(ctx context.Context, st Store, id string, version, revision int) (Quote, Version, error) {
	q, v, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, err
	}
	if version != 0 && version != v.Version {
		return Quote{}, Version{}, quotient.Errorf(quotient.Stale, "quote %s is at version %d now (you read version %d); fetch it again and reapply your change", q.Number, v.Version, version)
	}
	if err := quotient.CheckVersion("quote", revision, v.ETag); err != nil {
		return Quote{}, Version{}, err
	}
	if v.Status != Draft {
		return Quote{}, Version{}, notDraft(q, v, "change")
	}
	return q, v, nil
}

// repriced prices a changed draft read at etag old and stores it, with
// an "updated" event that says what changed.
func (s *Service) repriced(ctx context.Context, st Store, q Quote, v Version, old int, what said) (Quote, Version, error) {
	if err := s.price(ctx, st, q, &v); err != nil {
		return Quote{}, Version{}, err
	}
	v.ETag++
	v.UpdatedAt = s.now().UTC()
	q.UpdatedAt = v.UpdatedAt
	if err := st.UpdateVersion(ctx, v, old); err != nil {
		return Quote{}, Version{}, err
	}
	if err := st.UpdateQuote(ctx, q); err != nil {
		return Quote{}, Version{}, err
	}
	return q, v, s.event(ctx, st, q, v.Version, "updated", says(what.format+", total %s %s", append(what.args, v.Priced.Total.String(), q.Currency)...))
}

// Reprice prices a draft again with today's rulebook and prices.
func (s *Service) Reprice(ctx context.Context, st Store, id string) (Quote, Version, error) {
	q, v, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, err
	}
	if v.Status != Draft {
		return Quote{}, Version{}, notDraft(q, v, "be re-priced")
	}
	before := v.Priced.Total
	old := v.ETag
	if err := s.price(ctx, st, q, &v); err != nil {
		return Quote{}, Version{}, err
	}
	v.ETag++
	v.UpdatedAt = s.now().UTC()
	if err := st.UpdateVersion(ctx, v, old); err != nil {
		return Quote{}, Version{}, err
	}
	return q, v, s.event(ctx, st, q, v.Version, "priced", says("total %s → %s %s (rulebook version %s)", before.String(), v.Priced.Total.String(), q.Currency,
		strconv.Itoa(v.Priced.RulebookVersion)))
}

// Revise makes version n+1 a new draft from the current version, which
// becomes read-only (superseded, unless it already ended).
func (s *Service) Revise(ctx context.Context, st Store, id string) (Quote, Version, error) {
	q, cur, err := s.writable(ctx, st, id)
	if err != nil {
		return Quote{}, Version{}, err
	}
	switch cur.Status {
	case Draft:
		return Quote{}, Version{}, quotient.Errorf(quotient.Conflict, "quote %s version %d is already a draft; change it directly", q.Number, cur.Version)
	case Accepted:
		return Quote{}, Version{}, quotient.Errorf(quotient.Conflict, "quote %s version %d is accepted; it cannot be revised", q.Number, cur.Version)
	}
	now := s.now().UTC()
	if cur.Status == PendingApproval || cur.Status == Approved || cur.Status == Sent {
		old := cur.ETag
		cur.Status, cur.ETag, cur.UpdatedAt = Superseded, cur.ETag+1, now
		if err := st.UpdateVersion(ctx, cur, old); err != nil {
			return Quote{}, Version{}, err
		}
	}
	lines := make([]Line, len(cur.Lines))
	copy(lines, cur.Lines)
	next := Version{QuoteID: q.ID, Version: cur.Version + 1, Status: Draft, ValidUntil: quotient.DateOf(now.Add(DefaultValidity)),
		Terms: cur.Terms, Notes: cur.Notes, HeaderDiscountPct: cur.HeaderDiscountPct, Lines: lines, ETag: 1, CreatedAt: now, UpdatedAt: now}
	if err := s.price(ctx, st, q, &next); err != nil {
		return Quote{}, Version{}, err
	}
	q.CurrentVersion, q.UpdatedAt = next.Version, now
	if err := st.InsertVersion(ctx, next); err != nil {
		return Quote{}, Version{}, err
	}
	if err := st.UpdateQuote(ctx, q); err != nil {
		return Quote{}, Version{}, err
	}
	return q, next, s.event(ctx, st, q, next.Version, "revised", says("version %s (%s) revised into version %s", strconv.Itoa(cur.Version), string(cur.Status),
		strconv.Itoa(next.Version)))
}

func setIf[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// ownerOf loads the quote owner (for approvals and the rep facts).
func ownerOf(ctx context.Context, st Store, q Quote) (crm.User, error) {
	return st.GetUser(ctx, q.OwnerID)
}
