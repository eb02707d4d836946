package web

import (
	"context"
	"maps"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
)

// accountForm is what the new-account and edit-account form offers; the
// form's values and problems are in the accountView's Form and Errors,
// under "account.<field>".
type accountForm struct {
	New                  bool
	Version              int
	Details, Credit      bool // which parts the person may change (crm.MayChangeAccountDetails, MaySetCreditTerms)
	Currencies, Segments []choice
	Policies             []choice
	Owners, PriceBooks   []choice
	Terms, Limit, Policy string // the credit terms as they stand, for those who may not change them
	History              []accountChangeRow
	Parts                []choice // an address's parts and their labels
}

// segmentWords name the segments (crm.Segments) on pages.
var segmentWords = map[string]string{"enterprise": "Enterprise", "mid_market": "Mid-market", "smb": "Small business",
	"public_sector": "Public sector", "partner": "Partner"}

// policyWords say what each invoicing policy does.
var policyWords = map[crm.InvoicingPolicy]string{crm.OnFulfillment: "Invoice what each shipment ships",
	crm.OnOrder: "Invoice the whole order when it is made"}

// choice is an option of a select.
type choice struct{ Value, Label string }

// accountChangeRow is one change in the account's history.
type accountChangeRow struct{ At, Who, Field, From, To string }

// addressParts are the parts of an address, in the order a form asks for them.
var addressParts = []string{"line1", "line2", "city", "region", "postal_code", "country"}

// partWords label the parts of an address.
var partWords = []string{"Street address", "Street address, line 2 (optional)", "Town or city", "State, province or region", "Postal code", "Country (a code such as US, DE or JP)"}

// accountFields are the fields of the account form besides the addresses.
var accountFields = []string{"name", "currency", "segment", "industry", "tax_region", "phone", "website", "owner_id", "price_book_id",
	"renewal_uplift_pct", "credit_limit", "payment_terms", "invoicing_policy"}

// localCurrency is the currency a new account starts in for a locale's region.
func localCurrency(tag string) string {
	switch {
	case strings.HasSuffix(tag, "-JP"):
		return "JPY"
	case strings.HasSuffix(tag, "-GB"):
		return "GBP"
	case strings.HasSuffix(tag, "-DE"), strings.HasSuffix(tag, "-FR"):
		return "EUR"
	}
	return "USD"
}

// newAccount shows the form for a new account, to those who may create one.
func (w *Web) newAccount(c *fiber.Ctx) error {
	p := signedIn(c, "New account", "accounts")
	act, _ := quotient.ActorFrom(c.UserContext())
	if !crm.MayCreateAccount(act) {
		return w.fail(c, p, quotient.Errorf(quotient.Forbidden, "finance may change credit limits and payment terms but not create accounts"))
	}
	form := map[string]string{"account.currency": localCurrency(p.Loc.Tag), "account.segment": "smb", "account.owner_id": act.UserID,
		"account.payment_terms": "net_30", "account.invoicing_policy": string(crm.OnFulfillment), "account.credit_limit": "0"}
	return w.accountFormPage(c, p, 200, crm.Account{}, form, nil)
}

// editAccount shows an account's form, to those who may change any of it.
func (w *Web) editAccount(c *fiber.Ctx) error {
	p := signedIn(c, "Edit the account", "accounts")
	acc, err := w.app.Account(c.UserContext(), c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	return w.accountFormPage(c, p, 200, acc, accountValues(acc), nil)
}

// accountValues are an account's fields as its form shows them.
func accountValues(acc crm.Account) map[string]string {
	m := map[string]string{"account.name": acc.Name, "account.currency": acc.Currency, "account.segment": acc.Segment,
		"account.industry": acc.Industry, "account.tax_region": acc.TaxRegion, "account.phone": acc.Phone, "account.website": acc.Website,
		"account.owner_id": acc.OwnerID, "account.price_book_id": acc.PriceBookID, "account.credit_limit": acc.CreditLimit.String(),
		"account.payment_terms": acc.PaymentTerms, "account.invoicing_policy": string(acc.InvoicingPolicy),
		"account.renewal_uplift_pct": acc.RenewalUpliftPct.String()}
	for _, a := range []struct {
		name string
		addr crm.Address
	}{{"billing_address", acc.BillingAddress}, {"shipping_address", acc.ShippingAddress}} {
		for i, v := range []string{a.addr.Line1, a.addr.Line2, a.addr.City, a.addr.Region, a.addr.PostalCode, a.addr.Country} {
			m["account."+a.name+"."+addressParts[i]] = v
		}
	}
	return m
}

// accountFormPage renders the account form: acc is the account being
// changed (its ID empty for a new one), form the values to show, errs
// the problems by field.
func (w *Web) accountFormPage(c *fiber.Ctx, p page, status int, acc crm.Account, form, errs map[string]string) error {
	ctx := c.UserContext()
	act, _ := quotient.ActorFrom(ctx)
	f := &accountForm{New: acc.ID == "", Version: acc.Version, Credit: crm.MaySetCreditTerms(act)}
	for i, part := range addressParts {
		f.Parts = append(f.Parts, choice{part, p.T(partWords[i])})
	}
	for _, c := range quotient.CurrencyCodes() {
		f.Currencies = append(f.Currencies, choice{c, c})
	}
	for _, s := range crm.Segments {
		f.Segments = append(f.Segments, choice{s, p.T(segmentWords[s])})
	}
	for _, v := range []crm.InvoicingPolicy{crm.OnFulfillment, crm.OnOrder} {
		f.Policies = append(f.Policies, choice{string(v), p.T(policyWords[v])})
	}
	f.Details = f.New && crm.MayCreateAccount(act) || !f.New && crm.MayChangeAccountDetails(act, acc)
	if !f.Details && !f.Credit {
		return w.fail(c, p, quotient.Errorf(quotient.Forbidden, "account %s belongs to another rep; ask its owner or their manager", acc.ID))
	}
	if !f.New {
		cur, _ := quotient.LookupCurrency(acc.Currency)
		f.Terms, f.Limit, f.Policy = acc.PaymentTerms, p.Loc.Money(cur.Round(acc.CreditLimit), acc.Currency), p.T(policyWords[acc.InvoicingPolicy])
		if acc.CreditLimit.IsZero() {
			f.Limit = p.T("no limit")
		}
	}
	if f.Details {
		var err error
		if f.Owners, err = w.owners(ctx, act, acc.OwnerID); err != nil {
			return w.fail(c, p, err)
		}
		books, err := w.app.PriceBooks(ctx, catalog.PriceBookFilter{Page: quotient.Page{Limit: 200}})
		if err != nil {
			return w.fail(c, p, err)
		}
		f.PriceBooks = []choice{{"", p.T("The standard price book of its currency")}}
		for _, b := range books {
			f.PriceBooks = append(f.PriceBooks, choice{b.ID, b.Name + " (" + b.Currency + ")"})
		}
	}
	if !f.New {
		changes, err := w.app.AccountHistory(ctx, acc.ID)
		if err != nil {
			return w.fail(c, p, err)
		}
		who := w.ownerNames(ctx)
		for i := len(changes) - 1; i >= 0 && len(f.History) < 50; i-- { // newest first
			ch := changes[i]
			f.History = append(f.History, accountChangeRow{At: p.Loc.Time(ch.At), Who: who(ch.ActorID), Field: p.Loc.FieldName(ch.Field), From: ch.From, To: ch.To})
		}
	}
	v := &accountView{ID: acc.ID, Name: acc.Name, Form: form, Errors: errs, Edit: f}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	p.Account = v
	if !f.New {
		p.Title = p.T("Edit %s", acc.Name)
	}
	return w.render(c, status, "accountform", p)
}

// owners are the users the actor may make an account's owner (the rule
// CreateAccount and UpdateAccount apply), with the current owner first
// offered even if that is someone else's.
func (w *Web) owners(ctx context.Context, act quotient.Actor, current string) ([]choice, error) {
	if act.Role == quotient.RoleSalesRep {
		return nil, nil // a rep's accounts are their own; the form does not ask
	}
	users, err := w.app.Users(ctx, crm.UserFilter{Page: quotient.Page{Limit: 500}})
	if err != nil {
		return nil, err
	}
	var out []choice
	for _, u := range users {
		if u.ID == current || u.Active && u.Role != quotient.RoleFinance && act.MayWriteOwnedBy(u.ID) {
			out = append(out, choice{u.ID, u.Name})
		}
	}
	return out, nil
}

// saveAccount creates an account (POST /accounts) or changes one (POST
// /accounts/:id at the version the form showed) through the API's use
// cases, sending only the fields the person may change; a problem shows
// at its field with what was typed kept, and nothing is saved.
func (w *Web) saveAccount(c *fiber.Ctx) error {
	ctx := c.UserContext()
	id := c.Params("id")
	p := signedIn(c, "New account", "accounts")
	form := map[string]string{}
	val := func(name string) string {
		v := strings.TrimSpace(c.FormValue(name))
		form["account."+name] = v
		return v
	}
	for _, f := range accountFields {
		val(f)
	}
	addr := func(name string) crm.Address {
		return crm.Address{Line1: val(name + ".line1"), Line2: val(name + ".line2"), City: val(name + ".city"), Region: val(name + ".region"),
			PostalCode: val(name + ".postal_code"), Country: strings.ToUpper(val(name + ".country"))}
	}
	bill, ship := addr("billing_address"), addr("shipping_address")
	var acc, saved crm.Account // as the form read it; as saved
	var err error
	if id != "" {
		p.Title = p.T("Edit the account")
		if acc, err = w.app.Account(ctx, id); err != nil {
			return w.fail(c, p, err)
		}
	}
	// The form sends the parts the person may change; what a crafted
	// request adds goes to the use case too, which refuses it as the API
	// would.
	posted := func(names ...string) bool {
		for _, n := range names {
			if c.Request().PostArgs().Has(n) {
				return true
			}
		}
		return false
	}
	credit := posted("credit_limit", "payment_terms", "invoicing_policy")
	details := posted("name", "currency", "segment", "industry", "tax_region", "phone", "website", "owner_id", "price_book_id",
		"renewal_uplift_pct", "billing_address.line1", "shipping_address.line1")
	var limit, uplift *decimal.Decimal
	if credit {
		limit, err = decimalField(c, "credit_limit", true)
	}
	if details && err == nil {
		uplift, err = decimalField(c, "renewal_uplift_pct", true)
	}
	policy := crm.InvoicingPolicy(form["account.invoicing_policy"])
	if err == nil && id == "" {
		in := crm.AccountInput{Name: form["account.name"], Currency: form["account.currency"], Segment: form["account.segment"],
			Industry: form["account.industry"], TaxRegion: form["account.tax_region"], Phone: form["account.phone"], Website: form["account.website"],
			OwnerID: form["account.owner_id"], PriceBookID: form["account.price_book_id"], BillingAddress: bill, ShippingAddress: ship}
		if uplift != nil {
			in.RenewalUpliftPct = *uplift
		}
		if credit {
			in.CreditLimit, in.PaymentTerms, in.InvoicingPolicy = *limit, form["account.payment_terms"], policy
		}
		saved, err = w.app.CreateAccount(ctx, in)
	} else if err == nil {
		var patch crm.AccountPatch
		if details {
			name, currency, segment, industry := form["account.name"], form["account.currency"], form["account.segment"], form["account.industry"]
			region, phone, website, book := form["account.tax_region"], form["account.phone"], form["account.website"], form["account.price_book_id"]
			patch = crm.AccountPatch{Name: &name, Currency: &currency, Segment: &segment, Industry: &industry, TaxRegion: &region, Phone: &phone,
				Website: &website, PriceBookID: &book, BillingAddress: &bill, ShippingAddress: &ship, RenewalUpliftPct: uplift}
			if owner := form["account.owner_id"]; owner != "" {
				patch.OwnerID = &owner
			}
		}
		if credit {
			terms := form["account.payment_terms"]
			patch.CreditLimit, patch.PaymentTerms, patch.InvoicingPolicy = limit, &terms, &policy
		}
		saved, err = w.app.UpdateAccount(ctx, id, version(c), patch)
	}
	msg, field, ok := said(p.Loc, err)
	switch {
	case ok:
		not := "The account was not created: %s"
		if id != "" {
			not = "The account was not saved: %s"
		}
		p.Message, p.IsError = p.T(not, fieldWords(p.Loc, field, msg)), true
		shown, values := acc, form
		switch {
		case quotient.ErrorCode(err) == quotient.Stale:
			// Someone changed the account: the form shows it as it is now.
			values = accountValues(acc)
		case id != "":
			// The form is shown again at the version it was read at, so a
			// second try after someone else's change is still refused.
			shown.Version = version(c)
			values = accountValues(acc)
			maps.Copy(values, form)
		}
		errs := map[string]string{}
		if field != "" {
			errs["account."+field] = msg
		}
		return w.accountFormPage(c, p, fiber.StatusUnprocessableEntity, shown, values, errs)
	case err != nil:
		return w.fail(c, p, err)
	}
	said := "saved"
	if id == "" {
		said = "created"
	}
	return c.Redirect("/accounts/"+saved.ID+"?said="+said, fiber.StatusSeeOther)
}
