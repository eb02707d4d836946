package server

import (
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

// UserJSON is a user as the API shows it.
type UserJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Email       string    `json:"email"`
	Role        string    `json:"role" enum:"admin,sales_rep,sales_manager,finance"`
	ManagerID   *string   `json:"manager_id"`
	Quota       string    `json:"quota" format:"decimal"`
	QuotaPeriod string    `json:"quota_period" enum:"month,quarter,year"`
	Locale      string    `json:"locale" enum:",en-US,en-GB,ja-JP,de-DE,fr-FR"`
	Active      bool      `json:"active"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// UserRequest creates a user (name, email and role required) or, in a
// PATCH, changes the fields given.
type UserRequest struct {
	Name        *string `json:"name" maxLength:"200"`
	Email       *string `json:"email" maxLength:"254"`
	Role        *string `json:"role" enum:"admin,sales_rep,sales_manager,finance"`
	ManagerID   *string `json:"manager_id"`
	Quota       *Dec    `json:"quota"`
	QuotaPeriod *string `json:"quota_period" enum:"month,quarter,year"`
	Locale      *string `json:"locale" enum:",en-US,en-GB,ja-JP,de-DE,fr-FR"`
	Active      *bool   `json:"active"`
}

// MeRequest changes what a user may set for themselves: their language
// and formats ("" follows the browser's language).
type MeRequest struct {
	Locale *string `json:"locale" enum:",en-US,en-GB,ja-JP,de-DE,fr-FR"`
}

func strOr(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func userJSON(u crm.User) UserJSON {
	return UserJSON{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), ManagerID: optStr(u.ManagerID),
		Quota: fmtDec(u.Quota, 2), QuotaPeriod: u.QuotaPeriod, Locale: u.Locale, Active: u.Active, Version: u.Version,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func (r UserRequest) input() (crm.UserInput, error) {
	p := quotient.Problems{}
	in := crm.UserInput{Name: strOr(r.Name), Email: strOr(r.Email), Role: quotient.Role(strOr(r.Role)),
		ManagerID: strOr(r.ManagerID), Quota: r.Quota.Value(&p, "quota"), QuotaPeriod: strOr(r.QuotaPeriod), Locale: strOr(r.Locale)}
	if r.Active != nil && !*r.Active {
		p.Add("active", "a new user is active; deactivate them afterwards")
	}
	return in, p.Err()
}

func (r UserRequest) patch() (crm.UserPatch, error) {
	p := quotient.Problems{}
	out := crm.UserPatch{Name: r.Name, Email: r.Email, ManagerID: r.ManagerID, Quota: r.Quota.Ptr(&p, "quota"),
		QuotaPeriod: r.QuotaPeriod, Locale: r.Locale, Active: r.Active}
	if r.Role != nil {
		role := quotient.Role(*r.Role)
		out.Role = &role
	}
	return out, p.Err()
}

// TokenRequest asks for a new API token for a user.
type TokenRequest struct {
	UserID string `json:"user_id"`
	Name   string `json:"name" maxLength:"100"`
}

// TokenJSON describes a token; Token holds the secret only in the response
// that created it.
type TokenJSON struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	Token      string     `json:"token,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

func tokenJSON(t crm.Token) TokenJSON {
	return TokenJSON{ID: t.ID, UserID: t.UserID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

// AddressJSON is a postal address.
type AddressJSON struct {
	Line1      string `json:"line1" maxLength:"200"`
	Line2      string `json:"line2" maxLength:"200"`
	City       string `json:"city" maxLength:"100"`
	Region     string `json:"region" maxLength:"100"`
	PostalCode string `json:"postal_code" maxLength:"20"`
	Country    string `json:"country" pattern:"^[A-Z]{2}$"`
}

func addressJSON(a crm.Address) AddressJSON {
	return AddressJSON(a)
}

func (a *AddressJSON) domain() *crm.Address {
	if a == nil {
		return nil
	}
	d := crm.Address(*a)
	return &d
}

// AccountJSON is a customer account.
type AccountJSON struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Currency        string      `json:"currency"`
	Segment         string      `json:"segment" enum:"enterprise,mid_market,smb,public_sector,partner"`
	Industry        string      `json:"industry"`
	CreditLimit     string      `json:"credit_limit" format:"decimal"`
	PaymentTerms    string      `json:"payment_terms"`
	InvoicingPolicy string      `json:"invoicing_policy" enum:"on_fulfillment,on_order"`
	TaxRegion       string      `json:"tax_region"`
	OwnerID         string      `json:"owner_id"`
	PriceBookID     *string     `json:"price_book_id"`
	Phone           string      `json:"phone"`
	Website         string      `json:"website"`
	BillingAddress  AddressJSON `json:"billing_address"`
	ShippingAddress AddressJSON `json:"shipping_address"`
	// RenewalUpliftPct is the uplift new contracts of the account take
	// for their renewals (5 for 5 %).
	RenewalUpliftPct string    `json:"renewal_uplift_pct" format:"decimal"`
	Version          int       `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

// AccountRequest creates an account (name and currency required) or, in a
// PATCH, changes the fields given.
type AccountRequest struct {
	Name             *string      `json:"name" maxLength:"200"`
	Currency         *string      `json:"currency" pattern:"^[A-Z]{3}$"`
	Segment          *string      `json:"segment" enum:"enterprise,mid_market,smb,public_sector,partner"`
	Industry         *string      `json:"industry" maxLength:"100"`
	CreditLimit      *Dec         `json:"credit_limit"`
	PaymentTerms     *string      `json:"payment_terms"`
	InvoicingPolicy  *string      `json:"invoicing_policy" enum:"on_fulfillment,on_order"`
	TaxRegion        *string      `json:"tax_region"`
	OwnerID          *string      `json:"owner_id"`
	PriceBookID      *string      `json:"price_book_id"`
	Phone            *string      `json:"phone" maxLength:"50"`
	Website          *string      `json:"website" maxLength:"200"`
	BillingAddress   *AddressJSON `json:"billing_address"`
	ShippingAddress  *AddressJSON `json:"shipping_address"`
	RenewalUpliftPct *Dec         `json:"renewal_uplift_pct"`
}

func accountJSON(a crm.Account) AccountJSON {
	return AccountJSON{ID: a.ID, Name: a.Name, Currency: a.Currency, Segment: a.Segment, Industry: a.Industry,
		CreditLimit: fmtMoney(a.CreditLimit, a.Currency), PaymentTerms: a.PaymentTerms, InvoicingPolicy: string(a.InvoicingPolicy), TaxRegion: a.TaxRegion,
		OwnerID: a.OwnerID, PriceBookID: optStr(a.PriceBookID), Phone: a.Phone, Website: a.Website, BillingAddress: addressJSON(a.BillingAddress),
		ShippingAddress: addressJSON(a.ShippingAddress), RenewalUpliftPct: a.RenewalUpliftPct.String(), Version: a.Version, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (r AccountRequest) input() (crm.AccountInput, error) {
	p := quotient.Problems{}
	in := crm.AccountInput{Name: strOr(r.Name), Currency: strOr(r.Currency), Segment: strOr(r.Segment),
		Industry: strOr(r.Industry), CreditLimit: r.CreditLimit.Value(&p, "credit_limit"), PaymentTerms: strOr(r.PaymentTerms), InvoicingPolicy: crm.InvoicingPolicy(strOr(r.InvoicingPolicy)),
		TaxRegion: strOr(r.TaxRegion), OwnerID: strOr(r.OwnerID), PriceBookID: strOr(r.PriceBookID), Phone: strOr(r.Phone), Website: strOr(r.Website),
		RenewalUpliftPct: r.RenewalUpliftPct.Value(&p, "renewal_uplift_pct")}
	if r.BillingAddress != nil {
		in.BillingAddress = *r.BillingAddress.domain()
	}
	if r.ShippingAddress != nil {
		in.ShippingAddress = *r.ShippingAddress.domain()
	}
	return in, p.Err()
}

func (r AccountRequest) patch() (crm.AccountPatch, error) {
	p := quotient.Problems{}
	out := crm.AccountPatch{Name: r.Name, Currency: r.Currency, Segment: r.Segment, Industry: r.Industry,
		CreditLimit: r.CreditLimit.Ptr(&p, "credit_limit"), PaymentTerms: r.PaymentTerms, InvoicingPolicy: (*crm.InvoicingPolicy)(r.InvoicingPolicy), TaxRegion: r.TaxRegion,
		OwnerID: r.OwnerID, PriceBookID: r.PriceBookID, Phone: r.Phone, Website: r.Website,
		BillingAddress: r.BillingAddress.domain(), ShippingAddress: r.ShippingAddress.domain(), RenewalUpliftPct: r.RenewalUpliftPct.Ptr(&p, "renewal_uplift_pct")}
	return out, p.Err()
}

// ContactJSON is a person at an account.
type ContactJSON struct {
	ID        string    `json:"id"`
	AccountID string    `json:"account_id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Title     string    `json:"title"`
	Primary   bool      `json:"primary"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ContactRequest creates a contact (name required) or changes one.
type ContactRequest struct {
	Name  *string `json:"name" maxLength:"200"`
	Email *string `json:"email" maxLength:"254"`
	Phone *string `json:"phone" maxLength:"50"`
	Title *string `json:"title" maxLength:"100"`
	// Primary makes the contact the account's primary one.
	Primary *bool `json:"primary"`
}

func contactJSON(c crm.Contact) ContactJSON {
	return ContactJSON{ID: c.ID, AccountID: c.AccountID, Name: c.Name, Email: c.Email, Phone: c.Phone, Title: c.Title, Primary: c.Primary,
		Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

// OpportunityJSON is a potential sale.
type OpportunityJSON struct {
	ID          string    `json:"id"`
	AccountID   string    `json:"account_id"`
	Name        string    `json:"name"`
	Stage       string    `json:"stage" enum:"prospecting,qualification,proposal,negotiation,closed_won,closed_lost"`
	Amount      string    `json:"amount" format:"decimal"`
	Currency    string    `json:"currency"`
	CloseDate   string    `json:"close_date" format:"date"`
	OwnerID     string    `json:"owner_id"`
	Probability string    `json:"probability" format:"decimal"`
	Description string    `json:"description"`
	Version     int       `json:"version"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// OpportunityRequest creates an opportunity (account_id, name and
// close_date required) or changes one; account_id cannot change.
type OpportunityRequest struct {
	AccountID   *string `json:"account_id"`
	Name        *string `json:"name" maxLength:"200"`
	Stage       *string `json:"stage" enum:"prospecting,qualification,proposal,negotiation,closed_won,closed_lost"`
	Amount      *Dec    `json:"amount"`
	CloseDate   *string `json:"close_date" format:"date"`
	OwnerID     *string `json:"owner_id"`
	Probability *Dec    `json:"probability"`
	Description *string `json:"description" maxLength:"4000"`
}

func opportunityJSON(o crm.Opportunity) OpportunityJSON {
	return OpportunityJSON{ID: o.ID, AccountID: o.AccountID, Name: o.Name, Stage: string(o.Stage),
		Amount: fmtMoney(o.Amount, o.Currency), Currency: o.Currency, CloseDate: o.CloseDate.String(), OwnerID: o.OwnerID,
		Probability: fmtDec(o.Probability, 0), Description: o.Description, Version: o.Version,
		CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func (r OpportunityRequest) input() (crm.OpportunityInput, error) {
	p := quotient.Problems{}
	in := crm.OpportunityInput{AccountID: strOr(r.AccountID), Name: strOr(r.Name), Stage: crm.Stage(strOr(r.Stage)),
		Amount: r.Amount.Value(&p, "amount"), CloseDate: day(&p, "close_date", r.CloseDate), OwnerID: strOr(r.OwnerID),
		Probability: r.Probability.Ptr(&p, "probability"), Description: strOr(r.Description)}
	return in, p.Err()
}

func (r OpportunityRequest) patch() (crm.OpportunityPatch, error) {
	p := quotient.Problems{}
	if r.AccountID != nil {
		p.Add("account_id", "an opportunity cannot move to another account; create a new one")
	}
	out := crm.OpportunityPatch{Name: r.Name, Amount: r.Amount.Ptr(&p, "amount"), CloseDate: dayPatch(&p, "close_date", r.CloseDate),
		OwnerID: r.OwnerID, Probability: r.Probability.Ptr(&p, "probability"), Description: r.Description}
	if r.Stage != nil {
		st := crm.Stage(*r.Stage)
		out.Stage = &st
	}
	return out, p.Err()
}

// AccountChangeJSON is one field of an account changed.
type AccountChangeJSON struct {
	ID      string    `json:"id"`
	Version int       `json:"version"`
	Field   string    `json:"field"`
	Before  string    `json:"before"`
	After   string    `json:"after"`
	ActorID string    `json:"actor_id"`
	At      time.Time `json:"at"`
}

// TeamMemberJSON is a user on an account's team.
type TeamMemberJSON struct {
	AccountID string    `json:"account_id"`
	UserID    string    `json:"user_id"`
	Role      string    `json:"role"`
	AddedAt   time.Time `json:"added_at"`
}

// TeamMemberRequest puts a user on an account's team.
type TeamMemberRequest struct {
	UserID string `json:"user_id"`
	Role   string `json:"role" maxLength:"100"`
}

func teamMemberJSON(m crm.TeamMember) TeamMemberJSON {
	return TeamMemberJSON{AccountID: m.AccountID, UserID: m.UserID, Role: m.Role, AddedAt: m.AddedAt}
}
