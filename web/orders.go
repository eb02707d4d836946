package web

import (
	"github.com/gofiber/fiber/v2"
	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/order"
)

// orderRow is an order in the list.
type orderRow struct{ ID, Number, Account, Status, StatusLabel, Date, Total string }

// orders lists the orders the person may read (a rep's own accounts'),
// newest first.
func (w *Web) orders(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Orders", "orders")
	os, err := w.app.Orders(ctx, order.Filter{Page: quotient.Page{Limit: 100}})
	if err != nil {
		return w.fail(c, p, err)
	}
	names := map[string]string{}
	for _, o := range os {
		if _, ok := names[o.AccountID]; !ok {
			acc, err := w.app.Account(ctx, o.AccountID)
			if err != nil {
				return w.fail(c, p, err)
			}
			names[o.AccountID] = acc.Name
		}
		st := o.Shown()
		p.Orders = append(p.Orders, orderRow{ID: o.ID, Number: o.Number, Account: names[o.AccountID], Status: string(st),
			StatusLabel: p.T(label(string(st))), Date: p.Loc.Date(quotient.DateOf(o.CreatedAt)), Total: p.Loc.Money(o.Total, o.Currency)})
	}
	return w.render(c, 200, "orders", p)
}

// orderView is an order's page: what each line ordered, has reserved,
// shipped and still waits for.
type orderView struct {
	orderRow
	QuoteID, Quote, Hold string
	Lines                []struct{ SKU, Name, Ordered, Reserved, Shipped, Back, Net string }
}

// order follows an accepted quote into its order, line by line.
func (w *Web) order(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Order", "orders")
	o, err := w.app.Order(ctx, c.Params("id"))
	if err != nil {
		return w.fail(c, p, err)
	}
	acc, err := w.app.Account(ctx, o.AccountID)
	if err != nil {
		return w.fail(c, p, err)
	}
	q, err := w.app.Quote(ctx, o.QuoteID, 0)
	if err != nil {
		return w.fail(c, p, err)
	}
	st := o.Shown()
	v := &orderView{orderRow: orderRow{ID: o.ID, Number: o.Number, Account: acc.Name, Status: string(st), StatusLabel: p.T(label(string(st))),
		Date: p.Loc.Date(quotient.DateOf(o.CreatedAt)), Total: p.Loc.Money(o.Total, o.Currency)}, QuoteID: o.QuoteID, Quote: q.Quote.Number, Hold: o.HoldReason}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, struct{ SKU, Name, Ordered, Reserved, Shipped, Back, Net string }{l.SKU, l.Name, p.Loc.Number(l.Quantity.Decimal()),
			p.Loc.Number(l.Reserved.Decimal()), p.Loc.Number(l.Fulfilled.Decimal()), p.Loc.Number(l.Backordered().Decimal()), p.Loc.Money(l.NetAmount, o.Currency)})
	}
	p.Title, p.Order = p.T("Order %s", o.Number), v
	return w.render(c, 200, "order", p)
}
