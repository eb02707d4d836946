package store

import (
	"context"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/contract"
)

type contractRow struct {
	ID               string        `db:"id"`
	Number           string        `db:"number"`
	AccountID        string        `db:"account_id"`
	OwnerID          string        `db:"owner_id"`
	Currency         string        `db:"currency"`
	QuoteID          string        `db:"quote_id"`
	OrderID          string        `db:"order_id"`
	StartDate        quotient.Date `db:"start_date"`
	EndDate          quotient.Date `db:"end_date"`
	TermMonths       int           `db:"term_months"`
	BillingAnchor    quotient.Date `db:"billing_anchor"`
	NextBillAfter    quotient.Date `db:"next_bill_after"`
	RenewOn          quotient.Date `db:"renew_on"`
	Status           string        `db:"status"`
	RenewalUpliftPct dbDec         `db:"renewal_uplift_pct"`
	RenewalLeadDays  int           `db:"renewal_lead_days"`
	InvoiceLeadDays  int           `db:"invoice_lead_days"`
	RenewalQuoteID   *string       `db:"renewal_quote_id"`
	Renewals         int           `db:"renewals"`
	CancelledOn      quotient.Date `db:"cancelled_on"`
	CancelReason     string        `db:"cancel_reason"`
	CreditReductions bool          `db:"credit_reductions"`
	Version          int           `db:"version"`
	CreatedAt        dbTime        `db:"created_at"`
	UpdatedAt        dbTime        `db:"updated_at"`
}

const contractCols = `id, number, account_id, owner_id, currency, quote_id, order_id, start_date, end_date, term_months, billing_anchor,
	next_bill_after, renew_on, status, renewal_uplift_pct, renewal_lead_days, invoice_lead_days, renewal_quote_id, renewals, cancelled_on,
	cancel_reason, credit_reductions, version, created_at, updated_at`

func (r contractRow) contract() contract.Contract {
	return contract.Contract{ID: r.ID, Number: r.Number, AccountID: r.AccountID, OwnerID: r.OwnerID, Currency: r.Currency, QuoteID: r.QuoteID,
		OrderID: r.OrderID, StartDate: r.StartDate, EndDate: r.EndDate, TermMonths: r.TermMonths, BillingAnchor: r.BillingAnchor,
		NextBillAfter: r.NextBillAfter, RenewOn: r.RenewOn, Status: contract.Status(r.Status), RenewalUpliftPct: r.RenewalUpliftPct.Decimal,
		RenewalLeadDays: r.RenewalLeadDays, InvoiceLeadDays: r.InvoiceLeadDays, RenewalQuoteID: deref(r.RenewalQuoteID), Renewals: r.Renewals,
		CancelledOn: r.CancelledOn, CancelReason: r.CancelReason, CreditReductions: r.CreditReductions, Version: r.Version, CreatedAt: r.CreatedAt.Time, UpdatedAt: r.UpdatedAt.Time}
}

type subscriptionRow struct {
	ID               string            `db:"id"`
	ContractID       string            `db:"contract_id"`
	QuoteID          string            `db:"quote_id"`
	OrderID          string            `db:"order_id"`
	OrderLineID      string            `db:"order_line_id"`
	ProductID        string            `db:"product_id"`
	SKU              string            `db:"sku"`
	Name             string            `db:"name"`
	Family           string            `db:"family"`
	Quantity         quotient.Quantity `db:"quantity_micro"`
	UnitPrice        dbDec             `db:"unit_price"`
	BillingPeriod    string            `db:"billing_period"`
	BillingFrequency string            `db:"billing_frequency"`
	StartDate        quotient.Date     `db:"start_date"`
	EndDate          quotient.Date     `db:"end_date"`
	TaxRateID        string            `db:"tax_rate_id"`
	TaxRatePct       dbDec             `db:"tax_rate_pct"`
	NextBillOn       quotient.Date     `db:"next_bill_on"`
	CreatedAt        dbTime            `db:"created_at"`
}

const subscriptionCols = `id, contract_id, quote_id, order_id, order_line_id, product_id, sku, name, family, quantity_micro, unit_price,
	billing_period, billing_frequency, start_date, end_date, tax_rate_id, tax_rate_pct, next_bill_on, created_at`

func (r subscriptionRow) subscription() contract.Subscription {
	return contract.Subscription{ID: r.ID, ContractID: r.ContractID, QuoteID: r.QuoteID, OrderID: r.OrderID, OrderLineID: r.OrderLineID,
		ProductID: r.ProductID, SKU: r.SKU, Name: r.Name, Family: r.Family, Quantity: r.Quantity, UnitPrice: r.UnitPrice.Decimal,
		BillingPeriod: catalog.BillingPeriod(r.BillingPeriod), BillingFrequency: catalog.BillingPeriod(r.BillingFrequency),
		StartDate: r.StartDate, EndDate: r.EndDate, TaxRateID: r.TaxRateID, TaxRatePct: r.TaxRatePct.Decimal, NextBillOn: r.NextBillOn,
		CreatedAt: r.CreatedAt.Time}
}

func contractArgs(t *Tx, c contract.Contract) []any {
	return []any{c.Number, c.AccountID, c.OwnerID, c.Currency, c.QuoteID, c.OrderID, c.StartDate, c.EndDate, c.TermMonths, c.BillingAnchor,
		c.NextBillAfter, c.RenewOn, string(c.Status), dec(c.RenewalUpliftPct), c.RenewalLeadDays, c.InvoiceLeadDays, nullable(c.RenewalQuoteID),
		c.Renewals, c.CancelledOn, c.CancelReason, c.CreditReductions, c.Version, t.ts(c.CreatedAt), t.ts(c.UpdatedAt)}
}

// InsertContract stores a new contract's header.
func (t *Tx) InsertContract(ctx context.Context, c contract.Contract) error {
	args := append([]any{c.ID}, contractArgs(t, c)...)
	_, err := t.exec(ctx, `INSERT INTO contracts (`+contractCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	return conflictAs(err, "quote_id", "quote %s has a contract", c.QuoteID)
}

// UpdateContract stores a contract's header if it is at version old.
func (t *Tx) UpdateContract(ctx context.Context, c contract.Contract, old int) error {
	args := append(contractArgs(t, c), c.ID, old)
	return t.versioned(ctx, "contracts", "contract", c.ID, `UPDATE contracts SET number = ?, account_id = ?, owner_id = ?, currency = ?,
		quote_id = ?, order_id = ?, start_date = ?, end_date = ?, term_months = ?, billing_anchor = ?, next_bill_after = ?, renew_on = ?,
		status = ?, renewal_uplift_pct = ?, renewal_lead_days = ?, invoice_lead_days = ?, renewal_quote_id = ?, renewals = ?, cancelled_on = ?,
		cancel_reason = ?, credit_reductions = ?, version = ?, created_at = ?, updated_at = ? WHERE id = ? AND version = ?`, args...)
}

func (t *Tx) contractWhere(ctx context.Context, col, v, what string) (contract.Contract, error) {
	var r contractRow
	if err := t.get(ctx, &r, `SELECT `+contractCols+` FROM contracts WHERE `+col+` = ?`, v); err != nil {
		return contract.Contract{}, getOr(err, what, v)
	}
	c := r.contract()
	var rows []subscriptionRow
	if err := t.sel(ctx, &rows, `SELECT `+subscriptionCols+` FROM subscriptions WHERE contract_id = ? ORDER BY start_date, created_at, id`, c.ID); err != nil {
		return c, err
	}
	for _, s := range rows {
		c.Subscriptions = append(c.Subscriptions, s.subscription())
	}
	return c, nil
}

// GetContract loads a contract with its subscriptions.
func (t *Tx) GetContract(ctx context.Context, id string) (contract.Contract, error) {
	return t.contractWhere(ctx, "id", id, "contract")
}

// LockContract loads a contract and, on PostgreSQL, locks its row.
func (t *Tx) LockContract(ctx context.Context, id string) (contract.Contract, error) {
	if t.d == Postgres {
		var got string
		if err := t.get(ctx, &got, `SELECT id FROM contracts WHERE id = ? FOR UPDATE`, id); err != nil {
			return contract.Contract{}, getOr(err, "contract", id)
		}
	}
	return t.GetContract(ctx, id)
}

// ContractOfQuote loads the contract a quote started.
func (t *Tx) ContractOfQuote(ctx context.Context, quoteID string) (contract.Contract, error) {
	return t.contractWhere(ctx, "quote_id", quoteID, "contract of quote")
}

// ContractOfOrder finds the contract with a subscription from an order.
func (t *Tx) ContractOfOrder(ctx context.Context, orderID string) (string, error) {
	var ids []string
	if err := t.sel(ctx, &ids, `SELECT DISTINCT contract_id FROM subscriptions WHERE order_id = ?`, orderID); err != nil {
		return "", err
	}
	if len(ids) == 0 {
		return "", nil
	}
	return ids[0], nil
}

// ListContracts lists contract headers by id.
func (t *Tx) ListContracts(ctx context.Context, f contract.Filter) ([]contract.Contract, error) {
	var where []string
	var args []any
	where, args = eq(where, args, "account_id", f.AccountID)
	where, args = eq(where, args, "status", string(f.Status))
	where, args = inReach(where, args, f.Reach, "account_id", "owner_id")
	var rows []contractRow
	if err := t.list(ctx, &rows, contractCols, "contracts", where, args, f.After, f.Limit); err != nil {
		return nil, err
	}
	out := make([]contract.Contract, len(rows))
	for i, r := range rows {
		out[i] = r.contract()
	}
	return out, nil
}

// InsertSubscription stores a subscription.
func (t *Tx) InsertSubscription(ctx context.Context, s contract.Subscription) error {
	_, err := t.exec(ctx, `INSERT INTO subscriptions (`+subscriptionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.ContractID, s.QuoteID, s.OrderID, s.OrderLineID, s.ProductID, s.SKU, s.Name, s.Family, s.Quantity, dec(s.UnitPrice),
		string(s.BillingPeriod), string(s.BillingFrequency), s.StartDate, s.EndDate, s.TaxRateID, dec(s.TaxRatePct), s.NextBillOn, t.ts(s.CreatedAt))
	return err
}

// UpdateSubscription stores a subscription's quantity, end and next period.
func (t *Tx) UpdateSubscription(ctx context.Context, s contract.Subscription) error {
	_, err := t.exec(ctx, `UPDATE subscriptions SET quantity_micro = ?, end_date = ?, next_bill_on = ? WHERE id = ?`,
		s.Quantity, s.EndDate, s.NextBillOn, s.ID)
	return err
}

// DeleteSubscription removes a subscription and its invoiced periods.
func (t *Tx) DeleteSubscription(ctx context.Context, id string) error {
	if _, err := t.exec(ctx, `DELETE FROM subscription_billings WHERE subscription_id = ?`, id); err != nil {
		return err
	}
	_, err := t.exec(ctx, `DELETE FROM subscriptions WHERE id = ?`, id)
	return err
}

// InsertBillings records invoiced periods of subscriptions.
func (t *Tx) InsertBillings(ctx context.Context, bs []contract.Billing) error {
	if len(bs) == 0 {
		return nil
	}
	rows := make([][]any, len(bs))
	for i, b := range bs {
		rows[i] = []any{b.SubscriptionID, b.PeriodStart, b.PeriodEnd, b.InvoiceID, b.Amount}
	}
	err := t.insertRows(ctx, "subscription_billings", "subscription_id, period_start, period_end, invoice_id, amount_minor", rows)
	return conflictAs(err, "period_start", "a period from %s of subscription %s or another of its contract is invoiced already", bs[0].PeriodStart, bs[0].SubscriptionID)
}

// SetNextBill stores next as the next period to invoice of subscriptions.
func (t *Tx) SetNextBill(ctx context.Context, next quotient.Date, ids []string) error {
	for start := 0; start < len(ids); start += maxParams {
		q, args := inList(`UPDATE subscriptions SET next_bill_on = ? WHERE id IN (%s)`, ids[start:min(start+maxParams, len(ids))], next)
		if _, err := t.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// ContractBillings lists a contract's invoiced periods in order.
func (t *Tx) ContractBillings(ctx context.Context, contractID string) ([]contract.Billing, error) {
	var rows []struct {
		SubscriptionID string        `db:"subscription_id"`
		PeriodStart    quotient.Date `db:"period_start"`
		PeriodEnd      quotient.Date `db:"period_end"`
		InvoiceID      string        `db:"invoice_id"`
		Amount         int64         `db:"amount_minor"`
	}
	if err := t.sel(ctx, &rows, `SELECT b.subscription_id, b.period_start, b.period_end, b.invoice_id, b.amount_minor
		FROM subscription_billings b JOIN subscriptions s ON s.id = b.subscription_id WHERE s.contract_id = ?
		ORDER BY b.period_start, s.start_date, s.id`, contractID); err != nil {
		return nil, err
	}
	out := make([]contract.Billing, len(rows))
	for i, r := range rows {
		out[i] = contract.Billing(r)
	}
	return out, nil
}

// ClaimDueContracts locks contracts with a period to invoice on day;
// on PostgreSQL those another worker holds are skipped.
func (t *Tx) ClaimDueContracts(ctx context.Context, day quotient.Date, limit int) ([]string, error) {
	lock := ""
	if t.d == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var ids []string
	err := t.sel(ctx, &ids, `SELECT id FROM contracts WHERE next_bill_after IS NOT NULL AND next_bill_after <= ?
		ORDER BY next_bill_after, id LIMIT ?`+lock, day, limit)
	return ids, err
}

// ContractsToRenew lists active contracts whose renewal quote is due.
func (t *Tx) ContractsToRenew(ctx context.Context, day quotient.Date, limit int) ([]string, error) {
	var ids []string
	err := t.sel(ctx, &ids, `SELECT id FROM contracts WHERE status = 'active' AND renewal_quote_id IS NULL AND renew_on IS NOT NULL
		AND renew_on <= ? AND end_date >= ? ORDER BY renew_on, id LIMIT ?`, day, day, limit)
	return ids, err
}

// ContractsToEnd lists active contracts that ended before day.
func (t *Tx) ContractsToEnd(ctx context.Context, day quotient.Date, limit int) ([]string, error) {
	var ids []string
	err := t.sel(ctx, &ids, `SELECT id FROM contracts WHERE status = 'active' AND end_date < ? ORDER BY end_date, id LIMIT ?`, day, limit)
	return ids, err
}

// RenewalUplift reads an account's renewal uplift.
func (t *Tx) RenewalUplift(ctx context.Context, accountID string) (*decimal.Decimal, error) {
	var v *string
	if err := t.get(ctx, &v, `SELECT renewal_uplift_pct FROM accounts WHERE id = ?`, accountID); err != nil {
		return nil, getOr(err, "account", accountID)
	}
	if v == nil {
		return nil, nil
	}
	d, err := decimal.NewFromString(*v)
	return &d, err
}

// SubscriptionFacts lists the subscriptions in a currency within reach
// that run on some day from from to to.
func (t *Tx) SubscriptionFacts(ctx context.Context, currency string, r quotient.Reach, from, to quotient.Date) ([]contract.SubscriptionFact, error) {
	where := []string{"c.currency = ?", "s.start_date <= ?", "s.end_date >= ?"}
	args := []any{currency, to, from}
	where, args = inReach(where, args, r, "c.account_id", "c.owner_id")
	var rows []struct {
		AccountID     string            `db:"account_id"`
		StartDate     quotient.Date     `db:"start_date"`
		EndDate       quotient.Date     `db:"end_date"`
		Quantity      quotient.Quantity `db:"quantity_micro"`
		UnitPrice     dbDec             `db:"unit_price"`
		BillingPeriod string            `db:"billing_period"`
	}
	if err := t.sel(ctx, &rows, `SELECT c.account_id, s.start_date, s.end_date, s.quantity_micro, s.unit_price, s.billing_period
		FROM subscriptions s JOIN contracts c ON c.id = s.contract_id WHERE `+strings.Join(where, " AND ")+` ORDER BY s.id`, args...); err != nil {
		return nil, err
	}
	out := make([]contract.SubscriptionFact, len(rows))
	for i, r := range rows {
		out[i] = contract.SubscriptionFact{AccountID: r.AccountID, StartDate: r.StartDate, EndDate: r.EndDate, Quantity: r.Quantity,
			UnitPrice: r.UnitPrice.Decimal, BillingPeriod: catalog.BillingPeriod(r.BillingPeriod)}
	}
	return out, nil
}

// RenewalFacts counts the terms ending from from to to that a renewal
// extended (a renewal quote's subscriptions start the day after), and
// the contracts that ended then unrenewed.
func (t *Tx) RenewalFacts(ctx context.Context, currency string, r quotient.Reach, from, to quotient.Date) (renewed, ended int, err error) {
	where := []string{"c.currency = ?", "q.kind = 'renewal'", "s.start_date >= ?", "s.start_date <= ?"}
	args := []any{currency, from.AddDays(1), to.AddDays(1)}
	where, args = inReach(where, args, r, "c.account_id", "c.owner_id")
	if err := t.get(ctx, &renewed, `SELECT COUNT(DISTINCT s.contract_id || ' ' || s.quote_id) FROM subscriptions s
		JOIN contracts c ON c.id = s.contract_id JOIN quotes q ON q.id = s.quote_id WHERE `+strings.Join(where, " AND "), args...); err != nil {
		return 0, 0, err
	}
	where = []string{"c.currency = ?", "c.status = 'ended'", "c.end_date >= ?", "c.end_date <= ?"}
	args = []any{currency, from, to}
	where, args = inReach(where, args, r, "c.account_id", "c.owner_id")
	err = t.get(ctx, &ended, `SELECT COUNT(*) FROM contracts c WHERE `+strings.Join(where, " AND "), args...)
	return renewed, ended, err
}
