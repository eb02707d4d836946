package pricing

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/rules"
)

// RuleFilter selects price rules or tax rates: one page of them, or (with
// ActiveOnly) only those in force.
type RuleFilter struct {
	quotient.Page
	ActiveOnly bool
}

// Store is what pricing needs from storage, inside the caller's
// transaction.
type Store interface {
	RulebookVersion(ctx context.Context) (int, error)
	BumpRulebook(ctx context.Context) (int, error)

	InsertRule(ctx context.Context, r Rule) error
	GetRule(ctx context.Context, id string) (Rule, error)
	UpdateRule(ctx context.Context, r Rule, version int) error
	DeleteRule(ctx context.Context, id string) error
	ListRules(ctx context.Context, f RuleFilter) ([]Rule, error)
	RuleVersions(ctx context.Context, id string) ([]Rule, error)

	InsertTaxRate(ctx context.Context, r TaxRate) error
	GetTaxRate(ctx context.Context, id string) (TaxRate, error)
	UpdateTaxRate(ctx context.Context, r TaxRate, version int) error
	DeleteTaxRate(ctx context.Context, id string) error
	ListTaxRates(ctx context.Context, p quotient.Page) ([]TaxRate, error)

	ListSchedules(ctx context.Context, p quotient.Page) ([]catalog.Schedule, error)
	GetAccount(ctx context.Context, id string) (crm.Account, error)
	GetPriceBook(ctx context.Context, id string) (catalog.PriceBook, error)
	DefaultPriceBook(ctx context.Context, currency string) (catalog.PriceBook, error)
	ProductsByID(ctx context.Context, ids []string) (map[string]catalog.Product, error)
	EntriesFor(ctx context.Context, bookID string, productIDs []string) (map[string]catalog.Entry, error)
	ListProducts(ctx context.Context, f catalog.ProductFilter) ([]catalog.Product, error)
	ListConfigRules(ctx context.Context, productID string, p quotient.Page) ([]catalog.ConfigRule, error)
}

// Service manages the rulebook and prices documents.
type Service struct {
	now         func() time.Time
	cache       *rules.Cache
	configCache *rules.Cache
	// CostCurrency is the currency of products' unit_cost.
	CostCurrency string

	mu sync.Mutex
	rb *Rulebook
}

// NewService returns a Service reading the time from now.
func NewService(now func() time.Time) *Service {
	return &Service{now: now, cache: &rules.Cache{}, configCache: &rules.Cache{}, CostCurrency: "USD"}
}

func actor(ctx context.Context) (quotient.Actor, error) {
	a, ok := quotient.ActorFrom(ctx)
	if !ok {
		return a, quotient.Errorf(quotient.Unauthorized, "sign in with an API token")
	}
	return a, nil
}

// requireRulebookAdmin allows rulebook changes to admins (and tax rates to
// finance too).
func requireRulebookAdmin(ctx context.Context, finance bool) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if a.Role == quotient.RoleAdmin || (finance && a.Role == quotient.RoleFinance) {
		return nil
	}
	if finance {
		return quotient.Errorf(quotient.Forbidden, "only an admin or finance may change tax rates")
	}
	return quotient.Errorf(quotient.Forbidden, "only an admin may change the pricing rulebook")
}

// Rulebook returns the compiled rulebook at its current version, reusing
// the compiled one while the version is unchanged (the version lives in the
// database, so every server sees changes).
func (s *Service) Rulebook(ctx context.Context, st Store) (*Rulebook, error) {
	v, err := st.RulebookVersion(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	rb := s.rb
	s.mu.Unlock()
	if rb != nil && rb.Version == v {
		return rb, nil
	}
	scheds, err := st.ListSchedules(ctx, quotient.Page{})
	if err != nil {
		return nil, err
	}
	rs, err := st.ListRules(ctx, RuleFilter{ActiveOnly: true})
	if err != nil {
		return nil, err
	}
	taxes, err := st.ListTaxRates(ctx, quotient.Page{})
	if err != nil {
		return nil, err
	}
	rb, err = NewRulebook(v, scheds, rs, taxes, s.cache)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.rb == nil || s.rb.Version < v {
		s.rb = rb
	}
	s.mu.Unlock()
	return rb, nil
}

// RuleInput holds a new rule's fields; RulePatch the fields to change.
type RuleInput struct {
	Name, Condition, Formula string
	Action                   Action
	Value                    decimal.Decimal
	Priority                 int
	Stackable                bool
	ValidFrom, ValidTo       string
	Active                   *bool
}

// RulePatch holds the fields to change; nil leaves a field as it is.
type RulePatch struct {
	Name, Condition, Formula *string
	Action                   *Action
	Value                    *decimal.Decimal
	Priority                 *int
	Stackable                *bool
	ValidFrom, ValidTo       *string
	Active                   *bool
}

// CreateRule adds a price rule (compiled and type-checked now) and bumps
// the rulebook version.
func (s *Service) CreateRule(ctx context.Context, st Store, in RuleInput) (Rule, error) {
	if err := requireRulebookAdmin(ctx, false); err != nil {
		return Rule{}, err
	}
	now := s.now().UTC()
	r := Rule{ID: quotient.NewID("prl"), Name: strings.TrimSpace(in.Name), Condition: in.Condition, Action: in.Action, Value: in.Value,
		Formula: in.Formula, Priority: in.Priority, Stackable: in.Stackable, ValidFrom: in.ValidFrom, ValidTo: in.ValidTo,
		Active: true, Version: 1, CreatedAt: now, UpdatedAt: now}
	if in.Active != nil {
		r.Active = *in.Active
	}
	if err := ValidateRule(r, s.cache); err != nil {
		return Rule{}, err
	}
	if err := st.InsertRule(ctx, r); err != nil {
		return Rule{}, err
	}
	_, err := st.BumpRulebook(ctx)
	return r, err
}

// GetRule returns a price rule.
func (s *Service) GetRule(ctx context.Context, st Store, id string) (Rule, error) {
	if _, err := actor(ctx); err != nil {
		return Rule{}, err
	}
	return st.GetRule(ctx, id)
}

// ListRules returns a page of price rules.
func (s *Service) ListRules(ctx context.Context, st Store, p quotient.Page) ([]Rule, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return st.ListRules(ctx, RuleFilter{Page: p})
}

// RuleVersions returns every version of a rule.
func (s *Service) RuleVersions(ctx context.Context, st Store, id string) ([]Rule, error) {
	if _, err := s.GetRule(ctx, st, id); err != nil {
		return nil, err
	}
	return st.RuleVersions(ctx, id)
}

// UpdateRule makes a new version of a rule; earlier versions stay in its
// history and documents priced with them keep them.
func (s *Service) UpdateRule(ctx context.Context, st Store, id string, version int, p RulePatch) (Rule, error) {
	if err := requireRulebookAdmin(ctx, false); err != nil {
		return Rule{}, err
	}
	r, err := st.GetRule(ctx, id)
	if err != nil {
		return Rule{}, err
	}
	if err := quotient.CheckVersion("rule", version, r.Version); err != nil {
		return Rule{}, err
	}
	old := r.Version
	set(&r.Name, p.Name)
	set(&r.Condition, p.Condition)
	set(&r.Formula, p.Formula)
	set(&r.Action, p.Action)
	set(&r.Value, p.Value)
	set(&r.Priority, p.Priority)
	set(&r.Stackable, p.Stackable)
	set(&r.ValidFrom, p.ValidFrom)
	set(&r.ValidTo, p.ValidTo)
	set(&r.Active, p.Active)
	if err := ValidateRule(r, s.cache); err != nil {
		return Rule{}, err
	}
	r.Version++
	r.UpdatedAt = s.now().UTC()
	if err := st.UpdateRule(ctx, r, old); err != nil {
		return Rule{}, err
	}
	_, err = st.BumpRulebook(ctx)
	return r, err
}

// DeleteRule removes a rule (its history stays).
func (s *Service) DeleteRule(ctx context.Context, st Store, id string) error {
	if err := requireRulebookAdmin(ctx, false); err != nil {
		return err
	}
	if err := st.DeleteRule(ctx, id); err != nil {
		return err
	}
	_, err := st.BumpRulebook(ctx)
	return err
}

// TaxRatePatch holds the fields to change; nil leaves a field as it is.
type TaxRatePatch struct {
	Region, TaxCategory, Name *string
	RatePct                   *decimal.Decimal
}

// CreateTaxRate adds a rate; admins and finance.
func (s *Service) CreateTaxRate(ctx context.Context, st Store, in TaxRate) (TaxRate, error) {
	if err := requireRulebookAdmin(ctx, true); err != nil {
		return TaxRate{}, err
	}
	now := s.now().UTC()
	in.ID, in.Version, in.CreatedAt, in.UpdatedAt = quotient.NewID("tax"), 1, now, now
	if in.TaxCategory == "" {
		in.TaxCategory = "standard"
	}
	if err := ValidateTaxRate(in); err != nil {
		return TaxRate{}, err
	}
	if err := st.InsertTaxRate(ctx, in); err != nil {
		return TaxRate{}, err
	}
	_, err := st.BumpRulebook(ctx)
	return in, err
}

// GetTaxRate returns a rate.
func (s *Service) GetTaxRate(ctx context.Context, st Store, id string) (TaxRate, error) {
	if _, err := actor(ctx); err != nil {
		return TaxRate{}, err
	}
	return st.GetTaxRate(ctx, id)
}

// ListTaxRates returns a page of rates.
func (s *Service) ListTaxRates(ctx context.Context, st Store, p quotient.Page) ([]TaxRate, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	return st.ListTaxRates(ctx, p)
}

// UpdateTaxRate changes a rate.
func (s *Service) UpdateTaxRate(ctx context.Context, st Store, id string, version int, p TaxRatePatch) (TaxRate, error) {
	if err := requireRulebookAdmin(ctx, true); err != nil {
		return TaxRate{}, err
	}
	r, err := st.GetTaxRate(ctx, id)
	if err != nil {
		return TaxRate{}, err
	}
	if err := quotient.CheckVersion("tax rate", version, r.Version); err != nil {
		return TaxRate{}, err
	}
	old := r.Version
	set(&r.Region, p.Region)
	set(&r.TaxCategory, p.TaxCategory)
	set(&r.Name, p.Name)
	set(&r.RatePct, p.RatePct)
	if err := ValidateTaxRate(r); err != nil {
		return TaxRate{}, err
	}
	r.Version++
	r.UpdatedAt = s.now().UTC()
	if err := st.UpdateTaxRate(ctx, r, old); err != nil {
		return TaxRate{}, err
	}
	_, err = st.BumpRulebook(ctx)
	return r, err
}

// DeleteTaxRate removes a rate.
func (s *Service) DeleteTaxRate(ctx context.Context, st Store, id string) error {
	if err := requireRulebookAdmin(ctx, true); err != nil {
		return err
	}
	if err := st.DeleteTaxRate(ctx, id); err != nil {
		return err
	}
	_, err := st.BumpRulebook(ctx)
	return err
}

// PreviewInput is a pricing request over the API.
type PreviewInput struct {
	AccountID         string
	Currency          string
	PriceBookID       string
	PricingDate       string
	HeaderDiscountPct decimal.Decimal
	Lines             []LineInput
}

// Preview prices lines for an account without saving anything. The price
// book is the one asked for, else the account's own, else the default
// book of the currency.
func (s *Service) Preview(ctx context.Context, st Store, in PreviewInput) (*Result, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	p := quotient.Problems{}
	p.Text("account_id", in.AccountID, quotient.Required, 64)
	p.Date("pricing_date", in.PricingDate, quotient.Optional)
	if err := p.Err(); err != nil {
		return nil, err
	}
	acc, err := st.GetAccount(ctx, in.AccountID)
	if err != nil {
		if quotient.ErrorCode(err) == quotient.NotFound {
			return nil, quotient.FieldErrorf(quotient.Unprocessable, "account_id", "no such account %q", in.AccountID)
		}
		return nil, err
	}
	cur := in.Currency
	if cur == "" {
		cur = acc.Currency
	}
	date := s.now().UTC()
	if in.PricingDate != "" {
		date, _ = time.Parse(time.DateOnly, in.PricingDate)
	}
	book, err := s.bookFor(ctx, st, in.PriceBookID, acc, cur, date.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for _, l := range in.Lines {
		ids[l.ProductID] = true
	}
	list := make([]string, 0, len(ids))
	for id := range ids {
		list = append(list, id)
	}
	sort.Strings(list)
	products, err := st.ProductsByID(ctx, list)
	if err != nil {
		return nil, err
	}
	for _, pr := range products {
		for _, c := range pr.Components {
			if !ids[c.ProductID] {
				ids[c.ProductID] = true
				list = append(list, c.ProductID)
			}
		}
	}
	if len(list) > len(products) {
		if products, err = st.ProductsByID(ctx, list); err != nil {
			return nil, err
		}
	}
	entries, err := st.EntriesFor(ctx, book.ID, list)
	if err != nil {
		return nil, err
	}
	lines, err := s.resolveConfigurations(ctx, st, in.Lines, products, acc, cur)
	if err != nil {
		return nil, err
	}
	in.Lines = lines
	rb, err := s.Rulebook(ctx, st)
	if err != nil {
		return nil, err
	}
	req := Request{Currency: cur, Date: date, HeaderDiscountPct: in.HeaderDiscountPct, Lines: in.Lines, CostCurrency: s.CostCurrency,
		Account: AccountFacts{ID: acc.ID, Name: acc.Name, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency}}
	return Price(req, Book{PriceBook: book, Products: products, Entries: entries}, rb)
}

// resolveConfigurations applies each configured product's configuration
// rules: selections change what is priced, and a configuration the rules
// reject is a 422 naming the line, the attribute and the rule.
func (s *Service) resolveConfigurations(ctx context.Context, st Store, lines []LineInput, products map[string]catalog.Product, acc crm.Account, cur string) ([]LineInput, error) {
	byProduct := map[string][]catalog.ConfigRule{}
	out := make([]LineInput, len(lines))
	p := quotient.Problems{}
	for i, l := range lines {
		out[i] = l
		pr, ok := products[l.ProductID]
		if !ok || len(pr.Attributes) == 0 {
			continue
		}
		crs, seen := byProduct[pr.ID]
		if !seen {
			var err error
			if crs, err = st.ListConfigRules(ctx, pr.ID, quotient.Page{Limit: 1000}); err != nil {
				return nil, err
			}
			byProduct[pr.ID] = crs
		}
		if len(crs) == 0 {
			continue
		}
		res, err := catalog.Evaluate(pr, crs, catalog.ConfigureInput{Configuration: l.Configuration,
			Account: catalog.ConfigAccount{ID: acc.ID, Segment: acc.Segment, Industry: acc.Industry, TaxRegion: acc.TaxRegion, Currency: acc.Currency},
			Quote:   catalog.ConfigQuote{Currency: cur, LineCount: len(lines)}}, s.configCache)
		if err != nil {
			return nil, err
		}
		for _, e := range res.Errors {
			field := fmt.Sprintf("lines[%d].configuration", i)
			if e.Attribute != "" {
				field += "." + e.Attribute
			}
			msg := e.Message
			if e.RuleName != "" && !strings.Contains(msg, e.RuleName) {
				msg += fmt.Sprintf(" (rule %q)", e.RuleName)
			}
			p.Add(field, "%s", msg)
		}
		out[i].Configuration = res.Values
	}
	return out, p.Err()
}

func (s *Service) bookFor(ctx context.Context, st Store, asked string, acc crm.Account, cur, day string) (catalog.PriceBook, error) {
	field, id := "price_book_id", asked
	if id == "" && acc.PriceBookID != "" {
		field, id = "account.price_book_id", acc.PriceBookID
	}
	var b catalog.PriceBook
	var err error
	if id != "" {
		b, err = st.GetPriceBook(ctx, id)
		if quotient.ErrorCode(err) == quotient.NotFound {
			return b, quotient.FieldErrorf(quotient.Unprocessable, field, "no such price book %q", id)
		}
	} else {
		field = "currency"
		b, err = st.DefaultPriceBook(ctx, cur)
		if quotient.ErrorCode(err) == quotient.NotFound {
			return b, quotient.FieldErrorf(quotient.Unprocessable, "currency", "there is no default price book in %s; name a price_book_id", cur)
		}
	}
	if err != nil {
		return b, err
	}
	switch {
	case b.Currency != cur:
		return b, quotient.FieldErrorf(quotient.Unprocessable, field, "price book %s is in %s, not %s", b.Name, b.Currency, cur)
	case !b.Active:
		return b, quotient.FieldErrorf(quotient.Unprocessable, field, "price book %s is inactive", b.Name)
	case (b.ValidFrom != "" && day < b.ValidFrom) || (b.ValidTo != "" && day > b.ValidTo):
		return b, quotient.FieldErrorf(quotient.Unprocessable, field, "price book %s is not valid on %s", b.Name, day)
	}
	return b, nil
}

// Finding is one problem the rulebook lint found.
type Finding struct {
	Kind    string // never_matches, expired, conflict, rule_error
	RuleIDs []string
	Message string
}

// Check lints the rulebook against the current catalog: rules that can
// never match (their conditions test families, SKUs or products that do
// not exist, or a constant false, or their validity has ended) and pairs
// of non-stackable rules at one priority that could both match a product.
func (s *Service) Check(ctx context.Context, st Store) ([]Finding, error) {
	if _, err := actor(ctx); err != nil {
		return nil, err
	}
	rb, err := s.Rulebook(ctx, st)
	if err != nil {
		return nil, err
	}
	var products []catalog.Product
	f := catalog.ProductFilter{Page: quotient.Page{Limit: 500}}
	for range 10000 {
		page, err := st.ListProducts(ctx, f)
		if err != nil {
			return nil, err
		}
		products = append(products, page...)
		if len(page) < f.Limit {
			break
		}
		f.After = page[len(page)-1].ID
	}
	today := s.now().UTC().Format(time.DateOnly)
	var out []Finding
	matches := map[*compiledRule][]string{}
	for _, r := range rb.rules {
		if r.ValidTo != "" && r.ValidTo < today {
			out = append(out, Finding{Kind: "expired", RuleIDs: []string{r.ID}, Message: fmt.Sprintf("rule %q ended on %s and can never match again", r.Name, r.ValidTo)})
			continue
		}
		if r.fastCond != nil && isConstFalse(r) {
			out = append(out, Finding{Kind: "never_matches", RuleIDs: []string{r.ID}, Message: fmt.Sprintf("the condition of %q is always false", r.Name)})
			continue
		}
		for _, p := range products {
			if p.Active && (r.families == nil || r.families[p.Family]) && (r.skus == nil || r.skus[p.SKU]) && (r.productIDs == nil || r.productIDs[p.ID]) {
				matches[r] = append(matches[r], p.ID)
			}
		}
		if len(matches[r]) == 0 {
			out = append(out, Finding{Kind: "never_matches", RuleIDs: []string{r.ID},
				Message: fmt.Sprintf("no active product has the family, SKU or id the condition of %q tests", r.Name)})
		}
	}
	for i, a := range rb.rules {
		for _, b := range rb.rules[i+1:] {
			if a.Stackable || b.Stackable || a.Priority != b.Priority || len(matches[a]) == 0 || len(matches[b]) == 0 {
				continue
			}
			if a.segments != nil && b.segments != nil && len(intersect(a.segments, b.segments)) == 0 {
				continue
			}
			if shared := overlap(matches[a], matches[b]); shared > 0 {
				out = append(out, Finding{Kind: "conflict", RuleIDs: []string{a.ID, b.ID},
					Message: fmt.Sprintf("non-stackable rules %q and %q have priority %d and could both match %d product(s); a line where both match cannot be submitted",
						a.Name, b.Name, a.Priority, shared)})
			}
		}
	}
	return out, nil
}

func isConstFalse(r *compiledRule) bool {
	return len(r.cond.Paths()) == 0 && !r.fastCond(&LineEnv{})
}

func overlap(a, b []string) int {
	set := make(map[string]bool, len(a))
	for _, x := range a {
		set[x] = true
	}
	n := 0
	for _, x := range b {
		if set[x] {
			n++
		}
	}
	return n
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
