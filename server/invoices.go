package server

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
)

// InvoiceLineJSON is what an invoice charges for an order line.
type InvoiceLineJSON struct {
	Line        int    `json:"line"`
	OrderLineID string `json:"order_line_id"`
	ProductID   string `json:"product_id"`
	SKU         string `json:"sku"`
	Name        string `json:"name"`
	Quantity    string `json:"quantity" format:"decimal"`
	UnitPrice   string `json:"unit_price" format:"decimal"`
	NetAmount   string `json:"net_amount" format:"decimal"`
	TaxAmount   string `json:"tax_amount" format:"decimal"`
	TaxRateID   string `json:"tax_rate_id"`
	TaxRatePct  string `json:"tax_rate_pct" format:"decimal"`
	// A subscription's line is for a period of service, both days included.
	SubscriptionID string  `json:"subscription_id,omitempty"`
	ServiceStart   *string `json:"service_start,omitempty" format:"date"`
	ServiceEnd     *string `json:"service_end,omitempty" format:"date"`
}

// InvoiceTaxJSON is an invoice's tax of one rate.
type InvoiceTaxJSON struct {
	TaxRateID string `json:"tax_rate_id"`
	RatePct   string `json:"rate_pct" format:"decimal"`
	Base      string `json:"base" format:"decimal"`
	Tax       string `json:"tax" format:"decimal"`
}

// InvoiceJSON is a posted invoice.
type InvoiceJSON struct {
	ID             string            `json:"id"`
	Number         string            `json:"number"`
	OrderID        string            `json:"order_id"`
	AccountID      string            `json:"account_id"`
	Currency       string            `json:"currency"`
	Status         string            `json:"status" enum:"draft,posted,partially_paid,paid,void"`
	IssueDate      string            `json:"issue_date" format:"date"`
	DueDate        string            `json:"due_date" format:"date"`
	PaymentTerms   string            `json:"payment_terms"`
	DiscountPct    string            `json:"early_payment_discount_pct" format:"decimal"`
	DiscountUntil  *string           `json:"early_payment_discount_until" format:"date"`
	NetTotal       string            `json:"net_total" format:"decimal"`
	TaxTotal       string            `json:"tax_total" format:"decimal"`
	Total          string            `json:"total" format:"decimal"`
	AmountDue      string            `json:"amount_due" format:"decimal"`
	JournalEntryID string            `json:"journal_entry_id"`
	Version        int               `json:"version"`
	CreatedAt      time.Time         `json:"created_at"`
	Lines          []InvoiceLineJSON `json:"lines,omitempty"`
	Taxes          []InvoiceTaxJSON  `json:"taxes,omitempty"`
	// Dunning is the invoice's reminders, oldest first (GET of one invoice).
	Dunning []DunningNoticeJSON `json:"dunning,omitempty"`
}

func invoiceJSON(inv billing.Invoice) InvoiceJSON {
	m := func(n int64) string { return fmtMinor(n, inv.Currency) }
	out := InvoiceJSON{ID: inv.ID, Number: inv.Number, OrderID: inv.OrderID, AccountID: inv.AccountID, Currency: inv.Currency, Status: inv.Status,
		IssueDate: inv.IssueDate.String(), DueDate: inv.DueDate.String(), PaymentTerms: inv.PaymentTerms, DiscountPct: inv.DiscountPct.String(),
		DiscountUntil: optStr(inv.DiscountUntil.String()), NetTotal: m(inv.Net), TaxTotal: m(inv.Tax), Total: m(inv.Total), AmountDue: m(inv.AmountDue),
		JournalEntryID: inv.JournalEntryID, Version: inv.Version, CreatedAt: inv.CreatedAt}
	for i, l := range inv.Lines {
		out.Lines = append(out.Lines, InvoiceLineJSON{Line: i + 1, OrderLineID: l.OrderLineID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			Quantity: l.Quantity.String(), UnitPrice: l.UnitPrice.String(), NetAmount: m(l.Net), TaxAmount: m(l.Tax),
			TaxRateID: l.TaxRateID, TaxRatePct: l.TaxRatePct.String(), SubscriptionID: l.SubscriptionID,
			ServiceStart: optStr(l.ServiceStart.String()), ServiceEnd: optStr(l.ServiceEnd.String())})
	}
	if len(inv.Lines) > 0 {
		for _, t := range inv.Taxes() {
			out.Taxes = append(out.Taxes, InvoiceTaxJSON{TaxRateID: t.TaxRateID, RatePct: t.RatePct.String(), Base: m(t.Base), Tax: m(t.Tax)})
		}
	}
	return out
}

var invoiceFilter = []string{"account_id", "order_id", "status"}

func (s *Server) listInvoices() fiber.Handler {
	return listOf(func(inv billing.Invoice) string { return inv.ID }, invoiceJSON, invoiceFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]billing.Invoice, error) {
			return s.app.Invoices(ctx, billing.InvoiceFilter{AccountID: f["account_id"], OrderID: f["order_id"], Status: f["status"], Page: p})
		})
}

func (s *Server) getInvoice() fiber.Handler {
	return func(c *fiber.Ctx) error {
		r, err := s.app.Invoice(c.UserContext(), c.Params("id"))
		if err != nil {
			return err
		}
		out := invoiceJSON(r.Invoice)
		out.Dunning = mapSlice(r.Dunning, dunningNoticeJSON)
		return send(c, fiber.StatusOK, r.Invoice.Version, out)
	}
}

func (s *Server) invoiceOrder() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (billing.Invoice, error) {
			return s.app.InvoiceOrder(ctx, c.Params("id"))
		}, func(inv billing.Invoice) response {
			return response{status: fiber.StatusCreated, location: v1 + "/invoices/" + inv.ID, body: invoiceJSON(inv)}
		})
	}
}

// AgingRowJSON is an account's (or the total's) open receivables by days
// past due.
type AgingRowJSON struct {
	AccountID   string `json:"account_id,omitempty"`
	AccountName string `json:"account_name,omitempty"`
	Current     string `json:"current" format:"decimal"`
	Days1To30   string `json:"1_30" format:"decimal"`
	Days31To60  string `json:"31_60" format:"decimal"`
	Days61To90  string `json:"61_90" format:"decimal"`
	Over90      string `json:"over_90" format:"decimal"`
	Total       string `json:"total" format:"decimal"`
}

// AgingJSON is the AR aging of a currency on a date.
type AgingJSON struct {
	AsOf     string         `json:"as_of" format:"date"`
	Currency string         `json:"currency"`
	InBase   bool           `json:"in_base"`
	Accounts []AgingRowJSON `json:"accounts"`
	Total    AgingRowJSON   `json:"total"`
}

func agingRowJSON(r billing.AgingRow, c quotient.Currency) AgingRowJSON {
	m := func(n int64) string { return fmtMinor(n, c.Code) }
	return AgingRowJSON{AccountID: r.AccountID, AccountName: r.AccountName, Current: m(r.Buckets[0]), Days1To30: m(r.Buckets[1]),
		Days31To60: m(r.Buckets[2]), Days61To90: m(r.Buckets[3]), Over90: m(r.Buckets[4]), Total: m(r.Total)}
}

func (s *Server) arAging() fiber.Handler {
	return func(c *fiber.Ctx) error {
		_, f, err := parseList(c, "as_of", "currency", "basis")
		if err != nil {
			return err
		}
		d, err := queryDays(f, "as_of")
		if err != nil {
			return err
		}
		ags, err := s.app.ARAgingAll(c.UserContext(), f["currency"], f["basis"], d[0])
		if err != nil {
			return err
		}
		asOf := d[0]
		if asOf.IsZero() {
			asOf = s.app.Today()
		}
		return sendReport(c, report[AgingJSON]{named: single(f), sections: mapSlice(ags, agingJSON),
			csvName:  "ar-aging-" + csvView(f) + "-" + asOf.String(),
			header:   []string{"account_id", "account_name", "current", "1_30", "31_60", "61_90", "over_90", "total"},
			currency: func(a AgingJSON) string { return a.Currency },
			wrap:     func(s []AgingJSON) any { return AgingReportJSON{AsOf: asOf.String(), Sections: s} },
			rows: func(out AgingJSON) [][]string {
				rows := make([][]string, 0, len(out.Accounts)+1)
				for _, r := range append(out.Accounts, out.Total) {
					name := r.AccountName
					if r.AccountID == "" {
						name = "Total"
					}
					rows = append(rows, []string{r.AccountID, name, r.Current, r.Days1To30, r.Days31To60, r.Days61To90, r.Over90, r.Total})
				}
				return rows
			}})
	}
}

func agingJSON(ag billing.Aging) AgingJSON {
	cur, _ := quotient.LookupCurrency(ag.Currency)
	out := AgingJSON{AsOf: ag.AsOf.String(), Currency: ag.Currency, InBase: ag.InBase, Accounts: []AgingRowJSON{}, Total: agingRowJSON(ag.Total, cur)}
	for _, r := range ag.Accounts {
		out.Accounts = append(out.Accounts, agingRowJSON(r, cur))
	}
	return out
}

// AgingReportJSON is the AR aging of every currency invoices were issued
// in, when none is named.
type AgingReportJSON struct {
	AsOf     string      `json:"as_of" format:"date"`
	Sections []AgingJSON `json:"sections"`
}
