package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/document"
)

// quoteView is a quote as its page shows it.
type quoteView struct {
	quoteRow
	Version int
	Net     string
	Lines   []lineView
	Taxes   []taxView
}

type lineView struct {
	SKU, Name, Quantity, Unit, Net string
	Notes                          []string
}

type taxView struct{ Name, Tax string }

// quote shows a quote the signed-in person may read; any other is the
// same 404 page, as the API answers 404.
func (w *Web) quote(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Quote", "home")
	x, err := w.app.Quote(ctx, c.Params("id"), 0)
	if err != nil {
		return w.fail(c, p, err)
	}
	rows, err := w.rows(ctx, []app.QuoteVersion{x})
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &quoteView{quoteRow: rows[0], Version: x.Version.Version}
	cur := x.Quote.Currency
	if r := x.Version.Priced; r != nil {
		v.Net = document.Money(r.NetTotal, cur)
		for _, l := range r.Lines {
			v.Lines = append(v.Lines, lineView{SKU: l.SKU, Name: l.Name, Quantity: l.Quantity.String(), Unit: document.Money(l.UnitPrice, cur),
				Net: document.Money(l.NetAmount, cur), Notes: l.Warnings})
		}
		for _, t := range r.Taxes {
			v.Taxes = append(v.Taxes, taxView{Name: t.Name, Tax: document.Money(t.Tax, cur)})
		}
	}
	p.Title, p.Quote = "Quote "+x.Quote.Number, v
	return w.render(c, 200, "quote", p)
}

// quotePDF is the quote's PDF, for whoever may read the quote.
func (w *Web) quotePDF(c *fiber.Ctx) error {
	f, err := w.app.QuotePDF(c.UserContext(), c.Params("id"), 0)
	if err != nil {
		return w.fail(c, signedIn(c, "", ""), err)
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set(fiber.HeaderContentDisposition, `inline; filename="`+f.Name+`.pdf"`)
	return c.Send(f.Body)
}
