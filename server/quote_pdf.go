package server

import (
	"context"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/quote"
)

// Company settings printed on documents.
const (
	settingCompanyName    = "company_name"
	settingCompanyAddress = "company_address" // lines separated by newlines
)

// company is the company as documents print it, from its settings.
func company(ctx context.Context, tx Tx) (document.Party, error) {
	out := document.Party{Name: "Quotient"}
	if name, ok, err := tx.Setting(ctx, settingCompanyName); err != nil {
		return out, err
	} else if ok {
		out.Name = name
	}
	if addr, ok, err := tx.Setting(ctx, settingCompanyAddress); err != nil {
		return out, err
	} else if ok {
		out.Lines = strings.Split(addr, "\n")
	}
	return out, nil
}

// parties are the company and an account, as documents print them.
func parties(ctx context.Context, tx Tx, accountID string) (document.Party, document.Party, error) {
	co, err := company(ctx, tx)
	if err != nil {
		return co, document.Party{}, err
	}
	acc, err := tx.GetAccount(ctx, accountID)
	if err != nil {
		return co, document.Party{}, err
	}
	return co, document.Party{Name: acc.Name, Lines: addressLines(acc.BillingAddress)}, nil
}

// sendPDF sends a PDF to be shown in the browser.
func sendPDF(c *fiber.Ctx, name string, pdf []byte) error {
	c.Set(fiber.HeaderContentType, "application/pdf")
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+name+`.pdf"`)
	return c.Send(pdf)
}

// quoteDocument gathers what the PDF of a quote version shows.
func (s *Server) quoteDocument(ctx context.Context, tx Tx, q quote.Quote, v quote.Version) (document.Quote, error) {
	doc := document.Quote{Number: q.Number, Version: v.Version, Date: v.PricingDate, ValidUntil: v.ValidUntil, Currency: q.Currency,
		Terms: v.Terms, Notes: v.Notes, ContentHash: v.Priced.InputHash}
	var err error
	if doc.Company, doc.Customer, err = parties(ctx, tx, q.AccountID); err != nil {
		return doc, err
	}
	if q.ContactID != "" {
		if c, err := tx.GetContact(ctx, q.ContactID); err == nil {
			doc.Customer.Contact, doc.Customer.Email = c.Name, c.Email
		}
	}
	ids := make([]string, 0, len(v.Priced.Lines))
	for _, l := range v.Priced.Lines {
		ids = append(ids, l.ProductID)
	}
	products, err := tx.ProductsByID(ctx, ids)
	if err != nil {
		return doc, err
	}
	r := v.Priced
	for _, l := range r.Lines {
		pr := products[l.ProductID]
		ql := document.QuoteLine{SKU: l.SKU, Description: l.Name, Quantity: l.Quantity, UOM: pr.UOM, ListPrice: l.ListPrice,
			UnitPrice: l.UnitPrice, Net: l.NetAmount, Options: optionLabels(pr, l.Configuration)}
		if l.ListAmount.IsPositive() {
			ql.DiscountPct = l.ListAmount.Sub(l.NetAmount).Mul(decimal.NewFromInt(100)).DivRound(l.ListAmount, 2)
		}
		doc.Lines = append(doc.Lines, ql)
	}
	doc.Subtotal, doc.Discount, doc.NetTotal, doc.Total = r.Subtotal, r.DiscountTotal, r.NetTotal, r.Total
	for _, t := range r.Taxes {
		doc.Taxes = append(doc.Taxes, document.TaxLine{Name: t.Name, RatePct: t.RatePct, Base: t.Base, Tax: t.Tax})
	}
	return doc, nil
}

func addressLines(a crm.Address) []string {
	var out []string
	for _, l := range []string{a.Line1, a.Line2, strings.TrimSpace(strings.Join([]string{a.PostalCode, a.City, a.Region}, " ")), a.Country} {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// optionLabels describes a configuration in the product's words:
// "Memory: 256 GB".
func optionLabels(pr catalog.Product, cfg map[string]string) []string {
	var out []string
	for _, a := range pr.Attributes {
		v, ok := cfg[a.Code]
		if !ok || v == "" {
			continue
		}
		label := v
		switch a.Type {
		case catalog.Enum:
			for _, o := range a.Options {
				if o.Code == v {
					label = o.Label
				}
			}
		case catalog.Number:
			if a.Unit != "" {
				label += " " + a.Unit
			}
		case catalog.Boolean:
			label = map[string]string{"true": "yes", "false": "no"}[v]
		}
		out = append(out, a.Name+": "+label)
	}
	return out
}

// quotePDF is GET /quotes/{id}/pdf (?version=N).
func (s *Server) quotePDF() fiber.Handler {
	return func(c *fiber.Ctx) error {
		n, err := versionParam(c)
		if err != nil {
			return err
		}
		type result struct {
			doc document.Quote
		}
		r, err := read(s, c, func(ctx context.Context, tx Tx) (result, error) {
			q, v, err := s.loadVersion(ctx, tx, c.Params("id"), n)
			if err != nil {
				return result{}, err
			}
			doc, err := s.quoteDocument(ctx, tx, q, v)
			return result{doc}, err
		})
		if err != nil {
			return err
		}
		pdf, err := document.QuotePDF(r.doc)
		if err != nil {
			return err
		}
		return sendPDF(c, r.doc.Number+"-v"+strconv.Itoa(r.doc.Version), pdf)
	}
}
