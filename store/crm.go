package store

import (
	"context"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/crm"
)

type userRow struct {
	ID          string  `db:"id"`
	Name        string  `db:"name"`
	Email       string  `db:"email"`
	Role        string  `db:"role"`
	ManagerID   *string `db:"manager_id"`
	Quota       dbDec   `db:"quota"`
	QuotaPeriod string  `db:"quota_period"`
	Locale      string  `db:"locale"`
	Active      bool    `db:"active"`
	Version     int     `db:"version"`
	CreatedAt   dbTime  `db:"created_at"`
	UpdatedAt   dbTime  `db:"updated_at"`
}

const userCols = `id, name, email, role, manager_id, quota, quota_period, locale, active, version, created_at, updated_at`

func (r userRow) user() crm.User {
	u := crm.User{ID: r.ID, Name: r.Name, Email: r.Email, Role: quotient.Role(r.Role), Quota: r.Quota.Decimal,
		QuotaPeriod: r.QuotaPeriod, Locale: r.Locale, Active: r.Active, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
	if r.ManagerID != nil {
		u.ManagerID = *r.ManagerID
	}
	return u
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CountUsers counts every user.
func (t *Tx) CountUsers(ctx context.Context) (int, error) {
	var n int
	return n, t.get(ctx, &n, `SELECT COUNT(*) FROM users`)
}

// InsertUser stores a new user.
func (t *Tx) InsertUser(ctx context.Context, u crm.User) error {
	_, err := t.exec(ctx, `INSERT INTO users (`+userCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Name, u.Email, string(u.Role), nullable(u.ManagerID), dec(u.Quota), u.QuotaPeriod, u.Locale, u.Active, u.Version,
		t.ts(u.CreatedAt), t.ts(u.UpdatedAt))
	return conflictAs(err, "email", "a user with e-mail %s exists", u.Email)
}

// GetUser loads a user.
func (t *Tx) GetUser(ctx context.Context, id string) (crm.User, error) {
	var r userRow
	if err := t.get(ctx, &r, `SELECT `+userCols+` FROM users WHERE id = ?`, id); err != nil {
		return crm.User{}, getOr(err, "user", id)
	}
	return r.user(), nil
}

// UpdateUser writes a user if it is still at version.
func (t *Tx) UpdateUser(ctx context.Context, u crm.User, version int) error {
	err := t.versioned(ctx, "users", "user", u.ID, `UPDATE users SET name = ?, email = ?, role = ?, manager_id = ?, quota = ?,
		quota_period = ?, locale = ?, active = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		u.Name, u.Email, string(u.Role), nullable(u.ManagerID), dec(u.Quota), u.QuotaPeriod, u.Locale, u.Active, u.Version,
		t.ts(u.UpdatedAt), u.ID, version)
	return conflictAs(err, "email", "a user with e-mail %s exists", u.Email)
}

// ListUsers returns a page of users.
func (t *Tx) ListUsers(ctx context.Context, f crm.UserFilter) ([]crm.User, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "role", f.Role)
	where, args = eq(where, args, "manager_id", f.ManagerID)
	where, args = nameLike(where, args, "name", f.Q)
	if c := f.Colleagues; c != nil {
		team, ids := inSet("id", c.Users)
		conds := []string{team}
		args = append(args, ids...)
		if c.Manager != "" {
			conds = append(conds, "id = ?", "manager_id = ?")
			args = append(args, c.Manager, c.Manager)
		}
		where = append(where, "("+strings.Join(conds, " OR ")+")")
	}
	var rows []userRow
	if err := t.list(ctx, &rows, userCols, "users", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]crm.User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// ReportsOf returns everyone who reports to a manager, directly or not.
func (t *Tx) ReportsOf(ctx context.Context, managerID string) ([]string, error) {
	var ids []string
	err := t.sel(ctx, &ids, `WITH RECURSIVE team(id, depth) AS (
			SELECT id, 1 FROM users WHERE manager_id = ?
			UNION ALL
			SELECT u.id, team.depth + 1 FROM users u JOIN team ON u.manager_id = team.id WHERE team.depth < 20
		) SELECT DISTINCT id FROM team ORDER BY id`, managerID)
	return ids, err
}

// InsertToken stores a token's hash.
func (t *Tx) InsertToken(ctx context.Context, k crm.Token) error {
	_, err := t.exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		k.ID, k.UserID, k.Name, k.Hash, t.ts(k.CreatedAt))
	return conflictAs(err, "token", "this token is already in use")
}

// TokenByHash finds a token and the user it belongs to.
func (t *Tx) TokenByHash(ctx context.Context, hash string) (crm.Token, crm.User, error) {
	var r struct {
		userRow
		TokenID    string `db:"token_id"`
		TokenName  string `db:"token_name"`
		TokenHash  string `db:"token_hash"`
		TokenAt    dbTime `db:"token_created_at"`
		LastUsedAt dbTime `db:"last_used_at"`
	}
	err := t.get(ctx, &r, `SELECT u.id, u.name, u.email, u.role, u.manager_id, u.quota, u.quota_period, u.active,
		u.version, u.created_at, u.updated_at, k.id AS token_id, k.name AS token_name, k.token_hash,
		k.created_at AS token_created_at, k.last_used_at
		FROM api_tokens k JOIN users u ON u.id = k.user_id WHERE k.token_hash = ?`, hash)
	if err != nil {
		return crm.Token{}, crm.User{}, getOr(err, "token", "")
	}
	tok := crm.Token{ID: r.TokenID, UserID: r.ID, Name: r.TokenName, Hash: r.TokenHash, CreatedAt: r.TokenAt.Time, LastUsedAt: r.LastUsedAt.ptr()}
	return tok, r.user(), nil
}

// TouchToken sets a token's last use unless a later one is recorded.
func (t *Tx) TouchToken(ctx context.Context, id string, at time.Time) error {
	_, err := t.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
		t.ts(at), id, t.ts(at))
	return err
}

type tokenRow struct {
	ID         string `db:"id"`
	UserID     string `db:"user_id"`
	Name       string `db:"name"`
	Hash       string `db:"token_hash"`
	CreatedAt  dbTime `db:"created_at"`
	LastUsedAt dbTime `db:"last_used_at"`
}

func (r tokenRow) token() crm.Token {
	return crm.Token{ID: r.ID, UserID: r.UserID, Name: r.Name, Hash: r.Hash, CreatedAt: r.CreatedAt.Time, LastUsedAt: r.LastUsedAt.ptr()}
}

// ListTokens lists a user's tokens.
func (t *Tx) ListTokens(ctx context.Context, userID string, p quotient.Page) ([]crm.Token, error) {
	var rows []tokenRow
	if err := t.list(ctx, &rows, `id, user_id, name, token_hash, created_at, last_used_at`, "api_tokens",
		[]string{"user_id = ?"}, []any{userID}, p.After, p.Limit); err != nil {
		return nil, err
	}
	out := make([]crm.Token, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// DeleteToken revokes a token.
func (t *Tx) DeleteToken(ctx context.Context, id string) (crm.Token, error) {
	var r tokenRow
	if err := t.get(ctx, &r, `SELECT id, user_id, name, token_hash, created_at, last_used_at FROM api_tokens WHERE id = ?`, id); err != nil {
		return crm.Token{}, getOr(err, "token", id)
	}
	return r.token(), t.deleteByID(ctx, "api_tokens", "token", id)
}

// DeleteTokensOf revokes every token of a user.
func (t *Tx) DeleteTokensOf(ctx context.Context, userID string) error {
	_, err := t.exec(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, userID)
	return err
}

type accountRow struct {
	ID                 string  `db:"id"`
	Name               string  `db:"name"`
	Currency           string  `db:"currency"`
	Segment            string  `db:"segment"`
	Industry           string  `db:"industry"`
	CreditLimit        dbDec   `db:"credit_limit"`
	PaymentTerms       string  `db:"payment_terms"`
	InvoicingPolicy    string  `db:"invoicing_policy"`
	TaxRegion          string  `db:"tax_region"`
	OwnerID            string  `db:"owner_id"`
	PriceBookID        *string `db:"price_book_id"`
	Phone              string  `db:"phone"`
	Website            string  `db:"website"`
	BillingLine1       string  `db:"billing_line1"`
	BillingLine2       string  `db:"billing_line2"`
	BillingCity        string  `db:"billing_city"`
	BillingRegion      string  `db:"billing_region"`
	BillingPostalCode  string  `db:"billing_postal_code"`
	BillingCountry     string  `db:"billing_country"`
	ShippingLine1      string  `db:"shipping_line1"`
	ShippingLine2      string  `db:"shipping_line2"`
	ShippingCity       string  `db:"shipping_city"`
	ShippingRegion     string  `db:"shipping_region"`
	ShippingPostalCode string  `db:"shipping_postal_code"`
	ShippingCountry    string  `db:"shipping_country"`
	RenewalUpliftPct   dbDec   `db:"renewal_uplift_pct"`
	Version            int     `db:"version"`
	CreatedAt          dbTime  `db:"created_at"`
	UpdatedAt          dbTime  `db:"updated_at"`
}

const accountCols = `id, name, currency, segment, industry, credit_limit, payment_terms, invoicing_policy, tax_region, owner_id, price_book_id, phone, website,
	billing_line1, billing_line2, billing_city, billing_region, billing_postal_code, billing_country,
	shipping_line1, shipping_line2, shipping_city, shipping_region, shipping_postal_code, shipping_country, renewal_uplift_pct,
	version, created_at, updated_at`

func (r accountRow) account() crm.Account {
	pb := ""
	if r.PriceBookID != nil {
		pb = *r.PriceBookID
	}
	return crm.Account{PriceBookID: pb, ID: r.ID, Name: r.Name, Currency: r.Currency, Segment: r.Segment, Industry: r.Industry,
		CreditLimit: r.CreditLimit.Decimal, PaymentTerms: r.PaymentTerms, InvoicingPolicy: crm.InvoicingPolicy(r.InvoicingPolicy), TaxRegion: r.TaxRegion, OwnerID: r.OwnerID,
		Phone: r.Phone, Website: r.Website,
		BillingAddress: crm.Address{Line1: r.BillingLine1, Line2: r.BillingLine2, City: r.BillingCity,
			Region: r.BillingRegion, PostalCode: r.BillingPostalCode, Country: r.BillingCountry},
		ShippingAddress: crm.Address{Line1: r.ShippingLine1, Line2: r.ShippingLine2, City: r.ShippingCity,
			Region: r.ShippingRegion, PostalCode: r.ShippingPostalCode, Country: r.ShippingCountry},
		RenewalUpliftPct: r.RenewalUpliftPct.Decimal, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

func accountArgs(t *Tx, a crm.Account) []any {
	b, s := a.BillingAddress, a.ShippingAddress
	return []any{a.Name, a.Currency, a.Segment, a.Industry, dec(a.CreditLimit), a.PaymentTerms, string(a.InvoicingPolicy), a.TaxRegion, a.OwnerID,
		nullable(a.PriceBookID), a.Phone, a.Website, b.Line1, b.Line2, b.City, b.Region, b.PostalCode, b.Country,
		s.Line1, s.Line2, s.City, s.Region, s.PostalCode, s.Country, dec(a.RenewalUpliftPct), a.Version, t.ts(a.UpdatedAt)}
}

// InsertAccount stores a new account.
func (t *Tx) InsertAccount(ctx context.Context, a crm.Account) error {
	args := append([]any{a.ID}, accountArgs(t, a)...)
	args = append(args, t.ts(a.CreatedAt))
	_, err := t.exec(ctx, `INSERT INTO accounts (id, name, currency, segment, industry, credit_limit, payment_terms, invoicing_policy, tax_region,
		owner_id, price_book_id, phone, website, billing_line1, billing_line2, billing_city, billing_region, billing_postal_code, billing_country,
		shipping_line1, shipping_line2, shipping_city, shipping_region, shipping_postal_code, shipping_country, renewal_uplift_pct,
		version, updated_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return err
}

// GetAccount loads an account.
func (t *Tx) GetAccount(ctx context.Context, id string) (crm.Account, error) {
	var r accountRow
	if err := t.get(ctx, &r, `SELECT `+accountCols+` FROM accounts WHERE id = ?`, id); err != nil {
		return crm.Account{}, getOr(err, "account", id)
	}
	return r.account(), nil
}

// UpdateAccount writes an account if it is still at version.
func (t *Tx) UpdateAccount(ctx context.Context, a crm.Account, version int) error {
	args := append(accountArgs(t, a), a.ID, version)
	return t.versioned(ctx, "accounts", "account", a.ID, `UPDATE accounts SET name = ?, currency = ?, segment = ?, industry = ?,
		credit_limit = ?, payment_terms = ?, invoicing_policy = ?, tax_region = ?, owner_id = ?, price_book_id = ?, phone = ?, website = ?,
		billing_line1 = ?, billing_line2 = ?, billing_city = ?, billing_region = ?, billing_postal_code = ?, billing_country = ?,
		shipping_line1 = ?, shipping_line2 = ?, shipping_city = ?, shipping_region = ?, shipping_postal_code = ?, shipping_country = ?,
		renewal_uplift_pct = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`, args...)
}

// PriceBookCurrency returns a price book's currency.
func (t *Tx) PriceBookCurrency(ctx context.Context, id string) (string, error) {
	var c string
	if err := t.get(ctx, &c, `SELECT currency FROM price_books WHERE id = ?`, id); err != nil {
		return "", getOr(err, "price book", id)
	}
	return c, nil
}

// DeleteAccount removes an account and its contacts.
func (t *Tx) DeleteAccount(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "accounts", "account", id)
}

// AccountHasOpportunities reports whether any opportunity refers to the account.
func (t *Tx) AccountHasOpportunities(ctx context.Context, id string) (bool, error) {
	return t.exists(ctx, `SELECT id FROM opportunities WHERE account_id = ?`, id)
}

// ListAccounts returns a page of accounts.
func (t *Tx) ListAccounts(ctx context.Context, f crm.AccountFilter) ([]crm.Account, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "owner_id", f.OwnerID)
	where, args = eq(where, args, "segment", f.Segment)
	where, args = eq(where, args, "currency", f.Currency)
	where, args = nameLike(where, args, "name", f.Q)
	var rows []accountRow
	if err := t.list(ctx, &rows, accountCols, "accounts", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]crm.Account, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

type contactRow struct {
	ID        string `db:"id"`
	AccountID string `db:"account_id"`
	Name      string `db:"name"`
	Email     string `db:"email"`
	Phone     string `db:"phone"`
	Title     string `db:"title"`
	Primary   bool   `db:"is_primary"`
	Version   int    `db:"version"`
	CreatedAt dbTime `db:"created_at"`
	UpdatedAt dbTime `db:"updated_at"`
}

const contactCols = `id, account_id, name, email, phone, title, is_primary, version, created_at, updated_at`

func (r contactRow) contact() crm.Contact {
	return crm.Contact{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Email: r.Email, Phone: r.Phone, Title: r.Title, Primary: r.Primary,
		Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertContact stores a new contact.
func (t *Tx) InsertContact(ctx context.Context, c crm.Contact) error {
	_, err := t.exec(ctx, `INSERT INTO contacts (`+contactCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.AccountID, c.Name, c.Email, c.Phone, c.Title, c.Primary, c.Version, t.ts(c.CreatedAt), t.ts(c.UpdatedAt))
	return err
}

// GetContact loads a contact.
func (t *Tx) GetContact(ctx context.Context, id string) (crm.Contact, error) {
	var r contactRow
	if err := t.get(ctx, &r, `SELECT `+contactCols+` FROM contacts WHERE id = ?`, id); err != nil {
		return crm.Contact{}, getOr(err, "contact", id)
	}
	return r.contact(), nil
}

// UpdateContact writes a contact if it is still at version.
func (t *Tx) UpdateContact(ctx context.Context, c crm.Contact, version int) error {
	return t.versioned(ctx, "contacts", "contact", c.ID, `UPDATE contacts SET name = ?, email = ?, phone = ?, title = ?,
		is_primary = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		c.Name, c.Email, c.Phone, c.Title, c.Primary, c.Version, t.ts(c.UpdatedAt), c.ID, version)
}

// PrimaryContact returns an account's primary contact.
func (t *Tx) PrimaryContact(ctx context.Context, accountID string) (crm.Contact, error) {
	var r contactRow
	if err := t.get(ctx, &r, `SELECT `+contactCols+` FROM contacts WHERE account_id = ? AND is_primary ORDER BY id LIMIT 1`, accountID); err != nil {
		return crm.Contact{}, getOr(err, "primary contact of account", accountID)
	}
	return r.contact(), nil
}

// ClearPrimaryContact makes no contact of the account primary (each
// cleared contact's version moves on).
func (t *Tx) ClearPrimaryContact(ctx context.Context, accountID string) error {
	_, err := t.exec(ctx, `UPDATE contacts SET is_primary = FALSE, version = version + 1 WHERE account_id = ? AND is_primary`, accountID)
	return err
}

// DeleteContact removes a contact.
func (t *Tx) DeleteContact(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "contacts", "contact", id)
}

// ListContacts returns a page of an account's contacts.
func (t *Tx) ListContacts(ctx context.Context, f crm.ContactFilter) ([]crm.Contact, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = nameLike(where, args, "name", f.Q)
	var rows []contactRow
	if err := t.list(ctx, &rows, contactCols, "contacts", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]crm.Contact, len(rows))
	for i, r := range rows {
		out[i] = r.contact()
	}
	return out, nil
}

type opportunityRow struct {
	ID          string        `db:"id"`
	AccountID   string        `db:"account_id"`
	Name        string        `db:"name"`
	Stage       string        `db:"stage"`
	Amount      dbDec         `db:"amount"`
	Currency    string        `db:"currency"`
	CloseDate   quotient.Date `db:"close_date"`
	OwnerID     string        `db:"owner_id"`
	Probability dbDec         `db:"probability"`
	Description string        `db:"description"`
	Version     int           `db:"version"`
	CreatedAt   dbTime        `db:"created_at"`
	UpdatedAt   dbTime        `db:"updated_at"`
}

const opportunityCols = `id, account_id, name, stage, amount, currency, close_date, owner_id, probability, description, version, created_at, updated_at`

func (r opportunityRow) opportunity() crm.Opportunity {
	return crm.Opportunity{ID: r.ID, AccountID: r.AccountID, Name: r.Name, Stage: crm.Stage(r.Stage), Amount: r.Amount.Decimal,
		Currency: r.Currency, CloseDate: r.CloseDate, OwnerID: r.OwnerID, Probability: r.Probability.Decimal,
		Description: r.Description, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

// InsertOpportunity stores a new opportunity.
func (t *Tx) InsertOpportunity(ctx context.Context, o crm.Opportunity) error {
	_, err := t.exec(ctx, `INSERT INTO opportunities (`+opportunityCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.AccountID, o.Name, string(o.Stage), dec(o.Amount), o.Currency, o.CloseDate, o.OwnerID, dec(o.Probability),
		o.Description, o.Version, t.ts(o.CreatedAt), t.ts(o.UpdatedAt))
	return err
}

// GetOpportunity loads an opportunity.
func (t *Tx) GetOpportunity(ctx context.Context, id string) (crm.Opportunity, error) {
	var r opportunityRow
	if err := t.get(ctx, &r, `SELECT `+opportunityCols+` FROM opportunities WHERE id = ?`, id); err != nil {
		return crm.Opportunity{}, getOr(err, "opportunity", id)
	}
	return r.opportunity(), nil
}

// UpdateOpportunity writes an opportunity if it is still at version.
func (t *Tx) UpdateOpportunity(ctx context.Context, o crm.Opportunity, version int) error {
	return t.versioned(ctx, "opportunities", "opportunity", o.ID, `UPDATE opportunities SET name = ?, stage = ?, amount = ?,
		close_date = ?, owner_id = ?, probability = ?, description = ?, version = ?, updated_at = ? WHERE id = ? AND version = ?`,
		o.Name, string(o.Stage), dec(o.Amount), o.CloseDate, o.OwnerID, dec(o.Probability), o.Description, o.Version,
		t.ts(o.UpdatedAt), o.ID, version)
}

// DeleteOpportunity removes an opportunity.
func (t *Tx) DeleteOpportunity(ctx context.Context, id string) error {
	return t.deleteByID(ctx, "opportunities", "opportunity", id)
}

// ListOpportunities returns a page of opportunities.
func (t *Tx) ListOpportunities(ctx context.Context, f crm.OpportunityFilter) ([]crm.Opportunity, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "owner_id", f.OwnerID)
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = eq(where, args, "stage", f.Stage)
	where, args = nameLike(where, args, "name", f.Q)
	var rows []opportunityRow
	if err := t.list(ctx, &rows, opportunityCols, "opportunities", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]crm.Opportunity, len(rows))
	for i, r := range rows {
		out[i] = r.opportunity()
	}
	return out, nil
}

var _ crm.Store = (*Tx)(nil)

type accountChangeRow struct {
	ID        string `db:"id"`
	AccountID string `db:"account_id"`
	Version   int    `db:"version"`
	Field     string `db:"field"`
	OldValue  string `db:"old_value"`
	NewValue  string `db:"new_value"`
	ActorID   string `db:"actor_id"`
	CreatedAt dbTime `db:"created_at"`
}

// InsertAccountChanges records changes to an account.
func (t *Tx) InsertAccountChanges(ctx context.Context, cs []crm.AccountChange) error {
	for _, c := range cs {
		if _, err := t.exec(ctx, `INSERT INTO account_changes (id, account_id, version, field, old_value, new_value, actor_id, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, c.AccountID, c.Version, c.Field, c.From, c.To, c.ActorID, t.ts(c.At)); err != nil {
			return err
		}
	}
	return nil
}

// AccountChanges returns an account's history, oldest first.
func (t *Tx) AccountChanges(ctx context.Context, accountID string) ([]crm.AccountChange, error) {
	var rows []accountChangeRow
	if err := t.sel(ctx, &rows, `SELECT id, account_id, version, field, old_value, new_value, actor_id, created_at FROM account_changes
		WHERE account_id = ? ORDER BY version, id`, accountID); err != nil {
		return nil, err
	}
	out := make([]crm.AccountChange, len(rows))
	for i, r := range rows {
		out[i] = crm.AccountChange{ID: r.ID, AccountID: r.AccountID, Version: r.Version, Field: r.Field, From: r.OldValue, To: r.NewValue,
			ActorID: r.ActorID, At: r.CreatedAt.Time}
	}
	return out, nil
}
