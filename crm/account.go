package crm

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
)

// InvoicingPolicy says when an account's orders are invoiced.
type InvoicingPolicy string

// The invoicing policies. Services and bundle headers are invoiced with
// the order under either.
const (
	OnFulfillment InvoicingPolicy = "on_fulfillment" // each shipment invoices what shipped
	OnOrder       InvoicingPolicy = "on_order"       // the whole order is invoiced when it is made
)

// AccountInput holds the fields of a new account.
type AccountInput struct {
	Name            string
	Currency        string
	Segment         string
	Industry        string
	CreditLimit     decimal.Decimal
	PaymentTerms    string
	InvoicingPolicy InvoicingPolicy
	TaxRegion       string
	OwnerID         string
	PriceBookID     string
	Phone           string
	Website         string
	BillingAddress  Address
	ShippingAddress Address
	// RenewalUpliftPct is the uplift of its contracts' renewals (0: none).
	RenewalUpliftPct decimal.Decimal
}

// AccountPatch holds the fields to change; nil leaves a field as it is.
type AccountPatch struct {
	Name             *string
	Currency         *string
	Segment          *string
	Industry         *string
	CreditLimit      *decimal.Decimal
	PaymentTerms     *string
	InvoicingPolicy  *InvoicingPolicy
	TaxRegion        *string
	OwnerID          *string
	PriceBookID      *string
	Phone            *string
	Website          *string
	BillingAddress   *Address
	ShippingAddress  *Address
	RenewalUpliftPct *decimal.Decimal
}

// Segments are the customer segments accounts are grouped by.
var Segments = []string{"enterprise", "mid_market", "smb", "public_sector", "partner"}

var (
	termsRe   = regexp.MustCompile(`^(due_on_receipt|net_[0-9]{1,3}|eom_[0-9]{1,3}|[0-9]{1,2}(\.[0-9]{1,2})?_[0-9]{1,3}_net_[0-9]{1,3})$`)
	regionRe  = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
	countryRe = regexp.MustCompile(`^[A-Z]{2}$`)
)

// ValidPaymentTerms reports whether s is one of the accepted forms: net_N,
// eom_N (N days after the end of the invoice month), due_on_receipt, or an
// early-payment discount P_D_net_N ("2_10_net_30" is 2/10 net 30).
func ValidPaymentTerms(s string) bool {
	if !termsRe.MatchString(s) {
		return false
	}
	parts := strings.Split(s, "_")
	if len(parts) != 4 { // due_on_receipt, net_N, eom_N
		return true
	}
	// P_D_net_N: a positive discount, taken no later than the due date.
	pct, err := decimal.NewFromString(parts[0])
	d, _ := strconv.Atoi(parts[1])
	n, _ := strconv.Atoi(parts[3])
	return err == nil && pct.IsPositive() && d <= n
}

func validateAddress(p *quotient.Problems, field string, a Address) {
	p.Text(field+".line1", a.Line1, quotient.Optional, 200)
	p.Text(field+".line2", a.Line2, quotient.Optional, 200)
	p.Text(field+".city", a.City, quotient.Optional, 100)
	p.Text(field+".region", a.Region, quotient.Optional, 100)
	p.Text(field+".postal_code", a.PostalCode, quotient.Optional, 20)
	if a.Country != "" && !countryRe.MatchString(a.Country) {
		p.Add(field+".country", "must be an ISO 3166-1 alpha-2 code such as US or JP (got %q)", a.Country)
	}
}

func validateAccount(a Account) error {
	p := quotient.Problems{}
	p.Text("name", a.Name, quotient.Required, 200)
	p.Currency("currency", a.Currency)
	p.OneOf("segment", a.Segment, Segments...)
	p.Text("industry", a.Industry, quotient.Optional, 100)
	p.NonNegative("credit_limit", a.CreditLimit, 2)
	if cur, ok := quotient.LookupCurrency(a.Currency); ok {
		p.Scale("credit_limit", a.CreditLimit, cur.MinorUnits)
	}
	p.OneOf("invoicing_policy", string(a.InvoicingPolicy), string(OnFulfillment), string(OnOrder))
	if !ValidPaymentTerms(a.PaymentTerms) {
		p.Add("payment_terms", "must be net_N, eom_N, due_on_receipt or P_D_net_N such as 2_10_net_30 (got %q)", a.PaymentTerms)
	}
	if a.TaxRegion != "" && !regionRe.MatchString(a.TaxRegion) {
		p.Add("tax_region", "must be a country code with an optional region such as US-CA, DE or JP (got %q)", a.TaxRegion)
	}
	p.Text("phone", a.Phone, quotient.Optional, 50)
	p.Text("website", a.Website, quotient.Optional, 200)
	validateAddress(&p, "billing_address", a.BillingAddress)
	validateAddress(&p, "shipping_address", a.ShippingAddress)
	if a.RenewalUpliftPct.LessThan(decimal.NewFromInt(-100)) || a.RenewalUpliftPct.GreaterThan(decimal.NewFromInt(100)) {
		p.Add("renewal_uplift_pct", "must be between -100 and 100 (got %s)", a.RenewalUpliftPct)
	}
	p.Scale("renewal_uplift_pct", a.RenewalUpliftPct, 4)
	return p.Err()
}

// CreateAccount adds a customer account owned by the actor (or, for admins
// and managers, by the owner they name).
func (s *Service) CreateAccount(ctx context.Context, st Store, in AccountInput) (Account, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Account{}, err
	}
	if !MayCreateAccount(a) {
		return Account{}, forbidden("finance may change credit limits and payment terms but not create accounts")
	}
	now := s.now().UTC()
	acc := Account{ID: quotient.NewID("acc"), Name: strings.TrimSpace(in.Name), Currency: in.Currency,
		Segment: in.Segment, Industry: in.Industry, CreditLimit: in.CreditLimit, PaymentTerms: in.PaymentTerms, InvoicingPolicy: in.InvoicingPolicy,
		TaxRegion: in.TaxRegion, PriceBookID: in.PriceBookID, Phone: in.Phone, Website: in.Website,
		BillingAddress: in.BillingAddress, ShippingAddress: in.ShippingAddress, RenewalUpliftPct: in.RenewalUpliftPct,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if acc.Segment == "" {
		acc.Segment = "smb"
	}
	if acc.InvoicingPolicy == "" {
		acc.InvoicingPolicy = OnFulfillment
	}
	if acc.PaymentTerms == "" {
		acc.PaymentTerms = "net_30"
	}
	if err := validateAccount(acc); err != nil {
		return Account{}, err
	}
	// A new account starts on the company's terms unless finance or an
	// admin sets others.
	if err := financeFields(a, Account{PaymentTerms: "net_30", InvoicingPolicy: OnFulfillment},
		AccountPatch{CreditLimit: &acc.CreditLimit, PaymentTerms: &acc.PaymentTerms, InvoicingPolicy: &acc.InvoicingPolicy}); err != nil {
		return Account{}, err
	}
	if acc.OwnerID, err = ownerFor(ctx, st, a, in.OwnerID); err != nil {
		return Account{}, err
	}
	if err := checkPriceBook(ctx, st, acc); err != nil {
		return Account{}, err
	}
	if err := st.InsertAccount(ctx, acc); err != nil {
		return Account{}, err
	}
	return acc, nil
}

// GetAccount returns one account; every role reads all accounts.
func (s *Service) GetAccount(ctx context.Context, st Store, id string) (Account, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return Account{}, err
	}
	return st.GetAccount(ctx, id)
}

// ListAccounts returns a page of accounts.
func (s *Service) ListAccounts(ctx context.Context, st Store, f AccountFilter) ([]Account, error) {
	if _, err := quotient.RequireActor(ctx); err != nil {
		return nil, err
	}
	return st.ListAccounts(ctx, f)
}

// UpdateAccount changes an account. Owners (and their managers, and admins)
// change anything; finance changes only the credit limit and payment terms.
func (s *Service) UpdateAccount(ctx context.Context, st Store, id string, version int, p AccountPatch) (Account, error) {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return Account{}, err
	}
	acc, err := st.GetAccount(ctx, id)
	if err != nil {
		return Account{}, err
	}
	if err := financeFields(a, acc, p); err != nil {
		return Account{}, err
	}
	if a.Role == quotient.RoleFinance {
		if p.Name != nil || p.PriceBookID != nil || p.Currency != nil || p.Segment != nil || p.Industry != nil || p.TaxRegion != nil ||
			p.OwnerID != nil || p.Phone != nil || p.Website != nil || p.BillingAddress != nil || p.ShippingAddress != nil || p.RenewalUpliftPct != nil {
			return Account{}, forbidden("finance may change only credit_limit, payment_terms and invoicing_policy")
		}
	} else if !MayChangeAccountDetails(a, acc) {
		return Account{}, forbidden("account %s belongs to another rep; ask its owner or their manager", id)
	}
	if err := checkVersion(version, acc.Version); err != nil {
		return Account{}, err
	}
	old := acc
	setIf(&acc.Name, p.Name)
	setIf(&acc.Currency, p.Currency)
	setIf(&acc.Segment, p.Segment)
	setIf(&acc.Industry, p.Industry)
	setIf(&acc.CreditLimit, p.CreditLimit)
	setIf(&acc.PaymentTerms, p.PaymentTerms)
	setIf(&acc.InvoicingPolicy, p.InvoicingPolicy)
	setIf(&acc.TaxRegion, p.TaxRegion)
	setIf(&acc.PriceBookID, p.PriceBookID)
	setIf(&acc.Phone, p.Phone)
	setIf(&acc.Website, p.Website)
	setIf(&acc.BillingAddress, p.BillingAddress)
	setIf(&acc.ShippingAddress, p.ShippingAddress)
	setIf(&acc.RenewalUpliftPct, p.RenewalUpliftPct)
	if err := validateAccount(acc); err != nil {
		return Account{}, err
	}
	if acc.Currency != old.Currency {
		has, err := st.AccountHasOpportunities(ctx, id)
		if err != nil {
			return Account{}, err
		}
		if has {
			return Account{}, quotient.FieldErrorf(quotient.Conflict, "currency", "the account has opportunities in %s; its currency cannot change", old.Currency)
		}
	}
	if p.OwnerID != nil && *p.OwnerID != old.OwnerID {
		if acc.OwnerID, err = ownerFor(ctx, st, a, *p.OwnerID); err != nil {
			return Account{}, err
		}
	}
	if acc.PriceBookID != old.PriceBookID || acc.Currency != old.Currency {
		if err := checkPriceBook(ctx, st, acc); err != nil {
			return Account{}, err
		}
	}
	acc.Version++
	acc.UpdatedAt = s.now().UTC()
	if err := st.UpdateAccount(ctx, acc, old.Version); err != nil {
		return Account{}, err
	}
	if err := st.InsertAccountChanges(ctx, changesOf(old, acc, a.UserID)); err != nil {
		return Account{}, err
	}
	return acc, nil
}

// AccountChange is one field of an account changed: who, when, from
// what to what. The account's history is these, oldest first.
type AccountChange struct {
	ID        string
	AccountID string
	Version   int // the account's version the change made
	Field     string
	From, To  string
	ActorID   string
	At        time.Time
}

// changesOf lists the fields that differ between two versions of an
// account, by their API names.
func changesOf(old, acc Account, actorID string) []AccountChange {
	var out []AccountChange
	add := func(field, from, to string) {
		if from != to {
			out = append(out, AccountChange{ID: quotient.NewID("ach"), AccountID: acc.ID, Version: acc.Version, Field: field, From: from, To: to,
				ActorID: actorID, At: acc.UpdatedAt})
		}
	}
	add("name", old.Name, acc.Name)
	add("currency", old.Currency, acc.Currency)
	add("segment", old.Segment, acc.Segment)
	add("industry", old.Industry, acc.Industry)
	add("credit_limit", old.CreditLimit.String(), acc.CreditLimit.String())
	add("payment_terms", old.PaymentTerms, acc.PaymentTerms)
	add("invoicing_policy", string(old.InvoicingPolicy), string(acc.InvoicingPolicy))
	add("tax_region", old.TaxRegion, acc.TaxRegion)
	add("owner_id", old.OwnerID, acc.OwnerID)
	add("price_book_id", old.PriceBookID, acc.PriceBookID)
	add("phone", old.Phone, acc.Phone)
	add("website", old.Website, acc.Website)
	add("billing_address", old.BillingAddress.String(), acc.BillingAddress.String())
	add("shipping_address", old.ShippingAddress.String(), acc.ShippingAddress.String())
	add("renewal_uplift_pct", old.RenewalUpliftPct.String(), acc.RenewalUpliftPct.String())
	return out
}

// AccountHistory lists an account's changes, oldest first; whoever may
// read the account may read its history.
func (s *Service) AccountHistory(ctx context.Context, st Store, id string) ([]AccountChange, error) {
	if _, err := s.GetAccount(ctx, st, id); err != nil {
		return nil, err
	}
	return st.AccountChanges(ctx, id)
}

// creditControlled are the fields that decide whether an account's
// orders are held: finance's and admins', never the owner's, or a rep
// could lift the hold on their own customer.
func creditControlled(a quotient.Actor) bool {
	return a.Role == quotient.RoleFinance || a.Role == quotient.RoleAdmin
}

// financeFields refuses a change of the credit terms by anyone but
// finance and admins, naming the field; restating the current value is
// no change.
func financeFields(a quotient.Actor, acc Account, p AccountPatch) error {
	if creditControlled(a) {
		return nil
	}
	switch {
	case p.CreditLimit != nil && !p.CreditLimit.Equal(acc.CreditLimit):
		return financeOnly("credit_limit")
	case p.PaymentTerms != nil && *p.PaymentTerms != acc.PaymentTerms:
		return financeOnly("payment_terms")
	case p.InvoicingPolicy != nil && *p.InvoicingPolicy != acc.InvoicingPolicy:
		return financeOnly("invoicing_policy")
	}
	return nil
}

func financeOnly(field string) error {
	return quotient.FieldErrorf(quotient.Forbidden, field, "%s is set by finance and admins; ask finance to change it", field)
}

// checkPriceBook verifies the account's own price book exists and is in
// the account's currency.
func checkPriceBook(ctx context.Context, st Store, acc Account) error {
	if acc.PriceBookID == "" {
		return nil
	}
	cur, err := st.PriceBookCurrency(ctx, acc.PriceBookID)
	if err != nil {
		return asFieldError(err, "price_book_id", "no such price book")
	}
	if cur != acc.Currency {
		return quotient.FieldErrorf(quotient.Unprocessable, "price_book_id", "the price book is in %s but the account buys in %s", cur, acc.Currency)
	}
	return nil
}

// DeleteAccount removes an account with no opportunities (its contacts go
// with it). Accounts with history are kept.
func (s *Service) DeleteAccount(ctx context.Context, st Store, id string) error {
	a, err := quotient.RequireActor(ctx)
	if err != nil {
		return err
	}
	acc, err := st.GetAccount(ctx, id)
	if err != nil {
		return err
	}
	if !canOwn(a, acc.OwnerID) {
		return forbidden("account %s belongs to another rep", id)
	}
	has, err := st.AccountHasOpportunities(ctx, id)
	if err != nil {
		return err
	}
	if has {
		return quotient.Errorf(quotient.Conflict, "account %s has opportunities; close them instead of deleting the account", id)
	}
	return st.DeleteAccount(ctx, id)
}
