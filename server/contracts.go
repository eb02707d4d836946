package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/contract"
)

// SubscriptionJSON is a quantity of a recurring product on a contract at
// a price per billing period, from start_date to end_date.
type SubscriptionJSON struct {
	ID               string  `json:"id"`
	ProductID        string  `json:"product_id"`
	SKU              string  `json:"sku"`
	Name             string  `json:"name"`
	Quantity         string  `json:"quantity" format:"decimal"`
	UnitPrice        string  `json:"unit_price" format:"decimal"`
	BillingPeriod    string  `json:"billing_period" enum:"month,quarter,year"`
	BillingFrequency string  `json:"billing_frequency" enum:"month,quarter,year"`
	StartDate        string  `json:"start_date" format:"date"`
	EndDate          string  `json:"end_date" format:"date"`
	MRR              string  `json:"mrr" format:"decimal"`
	QuoteID          string  `json:"quote_id"`
	OrderID          string  `json:"order_id"`
	NextInvoiceDate  *string `json:"next_invoice_date" format:"date"`
}

// ContractBillingJSON is one invoiced period of a subscription: the
// contract's invoicing usage.
type ContractBillingJSON struct {
	SubscriptionID string `json:"subscription_id"`
	PeriodStart    string `json:"period_start" format:"date"`
	PeriodEnd      string `json:"period_end" format:"date"`
	InvoiceID      string `json:"invoice_id"`
	Amount         string `json:"amount" format:"decimal"`
}

// ContractJSON is what an account subscribes to. A list shows headers;
// one contract has its subscriptions, billed periods and invoices.
type ContractJSON struct {
	ID               string                `json:"id"`
	Number           string                `json:"number"`
	AccountID        string                `json:"account_id"`
	OwnerID          string                `json:"owner_id"`
	Currency         string                `json:"currency"`
	QuoteID          string                `json:"quote_id"`
	OrderID          string                `json:"order_id"`
	StartDate        string                `json:"start_date" format:"date"`
	EndDate          string                `json:"end_date" format:"date"`
	TermMonths       int                   `json:"term_months"`
	Status           string                `json:"status" enum:"active,ended,cancelled"`
	MRR              string                `json:"mrr" format:"decimal"`
	ARR              string                `json:"arr" format:"decimal"`
	RenewalUpliftPct string                `json:"renewal_uplift_pct" format:"decimal"`
	RenewalLeadDays  int                   `json:"renewal_lead_days"`
	InvoiceLeadDays  int                   `json:"invoice_lead_days"`
	CreditReductions bool                  `json:"credit_reductions"`
	RenewalDate      *string               `json:"renewal_date" format:"date"`
	RenewalQuoteID   *string               `json:"renewal_quote_id"`
	Renewals         int                   `json:"renewals"`
	NextInvoiceDate  *string               `json:"next_invoice_date" format:"date"`
	CancelledOn      *string               `json:"cancelled_on" format:"date"`
	CancelReason     string                `json:"cancel_reason"`
	Version          int                   `json:"version"`
	CreatedAt        time.Time             `json:"created_at"`
	UpdatedAt        time.Time             `json:"updated_at"`
	Subscriptions    []SubscriptionJSON    `json:"subscriptions,omitempty"`
	Billings         []ContractBillingJSON `json:"billings,omitempty"`
	Invoices         []InvoiceJSON         `json:"invoices,omitempty"`
}

func optDay(d quotient.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

func contractHeader(c contract.Contract, day quotient.Date) ContractJSON {
	mrr := c.MRRShown(day)
	out := ContractJSON{ID: c.ID, Number: c.Number, AccountID: c.AccountID, OwnerID: c.OwnerID, Currency: c.Currency, QuoteID: c.QuoteID,
		OrderID: c.OrderID, StartDate: c.StartDate.String(), EndDate: c.EndDate.String(), TermMonths: c.TermMonths, Status: string(c.Status),
		MRR: fmtMoney(mrr, c.Currency), ARR: fmtMoney(mrr.Mul(decimal.NewFromInt(12)), c.Currency), RenewalUpliftPct: c.RenewalUpliftPct.String(),
		RenewalLeadDays: c.RenewalLeadDays, InvoiceLeadDays: c.InvoiceLeadDays, CreditReductions: c.CreditReductions, RenewalDate: optDay(c.RenewOn), RenewalQuoteID: optStr(c.RenewalQuoteID),
		Renewals: c.Renewals, CancelledOn: optDay(c.CancelledOn), CancelReason: c.CancelReason, Version: c.Version,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	out.NextInvoiceDate = optDay(c.NextInvoice())
	return out
}

func (s *Server) contractJSON(x app.Contract) ContractJSON {
	out := contractHeader(x.Contract, s.app.Today())
	out.Subscriptions = []SubscriptionJSON{}
	for _, sub := range x.Subscriptions {
		out.Subscriptions = append(out.Subscriptions, SubscriptionJSON{ID: sub.ID, ProductID: sub.ProductID, SKU: sub.SKU, Name: sub.Name,
			Quantity: sub.Quantity.String(), UnitPrice: sub.UnitPrice.String(), BillingPeriod: string(sub.BillingPeriod),
			BillingFrequency: string(sub.BillingFrequency), StartDate: sub.StartDate.String(), EndDate: sub.EndDate.String(),
			MRR: fmtMoney(sub.MRR(), x.Currency), QuoteID: sub.QuoteID, OrderID: sub.OrderID, NextInvoiceDate: optDay(sub.NextBillOn)})
	}
	out.Billings = []ContractBillingJSON{}
	for _, b := range x.Billings {
		out.Billings = append(out.Billings, ContractBillingJSON{SubscriptionID: b.SubscriptionID, PeriodStart: b.PeriodStart.String(),
			PeriodEnd: b.PeriodEnd.String(), InvoiceID: b.InvoiceID, Amount: fmtMinor(b.Amount, x.Currency)})
	}
	out.Invoices = []InvoiceJSON{}
	for _, inv := range x.Invoices {
		out.Invoices = append(out.Invoices, invoiceJSON(inv))
	}
	return out
}

// ContractPatchRequest changes a contract's renewal and invoicing terms.
type ContractPatchRequest struct {
	RenewalUpliftPct *Dec `json:"renewal_uplift_pct"`
	RenewalLeadDays  *int `json:"renewal_lead_days" minimum:"0" maximum:"365"`
	InvoiceLeadDays  *int `json:"invoice_lead_days" minimum:"0" maximum:"90"`
	// CreditReductions: fewer seats take effect on an amendment's
	// effective day and their days already invoiced are credited.
	CreditReductions *bool `json:"credit_reductions"`
}

func (r ContractPatchRequest) patch() (contract.Patch, error) {
	p := quotient.Problems{}
	out := contract.Patch{RenewalUpliftPct: r.RenewalUpliftPct.Ptr(&p, "renewal_uplift_pct"), RenewalLeadDays: r.RenewalLeadDays,
		InvoiceLeadDays: r.InvoiceLeadDays, CreditReductions: r.CreditReductions}
	return out, p.Err()
}

// AmendRequest starts an amendment quote effective on a day (today when
// absent).
type AmendRequest struct {
	EffectiveDate *string `json:"effective_date" format:"date"`
}

// ContractCancelRequest cancels a contract from an effective date.
type ContractCancelRequest struct {
	EffectiveDate string `json:"effective_date" format:"date"`
	Reason        string `json:"reason" maxLength:"500"`
}

var contractFilter = []string{"account_id", "status"}

func (s *Server) contractView() view[app.Contract, ContractJSON] {
	return view[app.Contract, ContractJSON]{version: func(c app.Contract) int { return c.Version }, json: s.contractJSON}
}

func (s *Server) listContracts() fiber.Handler {
	return listOf(func(c contract.Contract) string { return c.ID }, func(c contract.Contract) ContractJSON { return contractHeader(c, s.app.Today()) },
		contractFilter, func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]contract.Contract, error) {
			return s.app.ListContracts(ctx, contract.Filter{AccountID: f["account_id"], Status: contract.Status(f["status"]), Page: p})
		})
}

func (s *Server) getContract() fiber.Handler {
	return getOne(s.contractView(), func(ctx context.Context, c *fiber.Ctx) (app.Contract, error) {
		return s.app.GetContract(ctx, c.Params("id"))
	})
}

func (s *Server) patchContract() fiber.Handler {
	return patchOne(s.contractView(), ContractPatchRequest.patch, func(ctx context.Context, c *fiber.Ctx, version int, p contract.Patch) (app.Contract, error) {
		return s.app.UpdateContract(ctx, c.Params("id"), version, p)
	})
}

// contractQuote answers a change that made a quote of a contract: 201
// with the draft quote.
func contractQuote(c *fiber.Ctx, fn func(context.Context) (app.QuoteVersion, error)) error {
	return commit(c, fn, func(x app.QuoteVersion) response {
		return response{status: fiber.StatusCreated, tag: quoteView.etagOf(x), location: v1 + "/quotes/" + x.Quote.ID, body: quoteView.json(x)}
	})
}

func (s *Server) amendContract() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[AmendRequest](c)
		if err != nil {
			return err
		}
		p := quotient.Problems{}
		eff := day(&p, "effective_date", req.EffectiveDate)
		if err := p.Err(); err != nil {
			return err
		}
		return contractQuote(c, func(ctx context.Context) (app.QuoteVersion, error) {
			return s.app.AmendContract(ctx, c.Params("id"), eff)
		})
	}
}

func (s *Server) renewContract() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return contractQuote(c, func(ctx context.Context) (app.QuoteVersion, error) { return s.app.RenewContract(ctx, c.Params("id")) })
	}
}

func (s *Server) cancelContract() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[ContractCancelRequest](c)
		if err != nil {
			return err
		}
		p := quotient.Problems{}
		eff := p.Date("effective_date", req.EffectiveDate, quotient.Required)
		if err := p.Err(); err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.Contract, error) {
			return s.app.CancelContract(ctx, c.Params("id"), eff, req.Reason)
		}, func(x app.Contract) response {
			return response{status: fiber.StatusOK, version: x.Version, body: s.contractJSON(x)}
		})
	}
}
