package web

import (
	"bytes"
	"encoding/csv"
	"sort"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/crm"
)

// commissionsView is the commissions of a month: each rep's statement
// totals, the recalculation's preview, one rep's statement.
type commissionsView struct {
	Period, Prev, Next string
	Reps               []struct{ ID, Name, Accrued, Payable, Paid, Total string }
	Preview            []struct{ Rep, Invoice, Source, Amount, Reason string }
	Previewed          bool
	Rep                *struct {
		ID, Name string
		Lines    []struct{ Date, Invoice, SKU, Source, Basis, Rate, Amount, Status, StatusLabel string }
		Totals   []struct{ Currency, Accrued, Payable, Paid, ClawedBack, Total string }
		Payouts  []struct{ Date, Amount string }
		MayPay   bool
	}
}

func periodOf(c *fiber.Ctx, now quotient.Date) (string, string, string) {
	period := c.Query("period", c.Params("period"))
	if period == "" {
		period = now.YearMonth()
	}
	d, ok := quotient.ParseDate(period + "-01")
	if !ok {
		d = now.AddDays(1 - now.Day())
		period = d.YearMonth()
	}
	return period, d.AddDate(0, -1, 0).YearMonth(), d.AddDate(0, 1, 0).YearMonth()
}

// repsOf are the people who earn commission.
func (w *Web) repsOf(c *fiber.Ctx) ([]crm.User, error) {
	var out []crm.User
	for _, role := range []quotient.Role{quotient.RoleSalesRep, quotient.RoleSalesManager} {
		us, err := w.app.Users(c.UserContext(), crm.UserFilter{Role: string(role), Page: quotient.Page{Limit: 500}})
		if err != nil {
			return nil, err
		}
		out = append(out, us...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (w *Web) commissions(c *fiber.Ctx) error {
	return w.commissionsWith(c, signedIn(c, "Commissions", "commissions"), 200, nil)
}

func (w *Web) commissionsWith(c *fiber.Ctx, p page, status int, preview *commission.Recalculation) error {
	v := &commissionsView{}
	v.Period, v.Prev, v.Next = periodOf(c, quotient.DateOf(w.app.Now()))
	if f := c.FormValue("period"); f != "" {
		v.Period = f
	}
	reps, err := w.repsOf(c)
	if err != nil {
		return w.fail(c, p, err)
	}
	names := map[string]string{}
	for _, u := range reps {
		names[u.ID] = u.Name
		st, err := w.app.CommissionStatement(c.UserContext(), u.ID, v.Period)
		if err != nil {
			return w.fail(c, p, err)
		}
		for _, t := range st.Totals {
			v.Reps = append(v.Reps, struct{ ID, Name, Accrued, Payable, Paid, Total string }{u.ID, u.Name, minorMoney(p.Loc, t.Accrued, t.Currency),
				minorMoney(p.Loc, t.Payable, t.Currency), minorMoney(p.Loc, t.Paid, t.Currency), minorMoney(p.Loc, t.Total, t.Currency)})
		}
	}
	if preview != nil {
		v.Previewed = true
		for _, l := range preview.Lines {
			v.Preview = append(v.Preview, struct{ Rep, Invoice, Source, Amount, Reason string }{names[l.UserID], l.InvoiceNumber, l.SourceType,
				minorMoney(p.Loc, l.Amount, l.Currency), l.Figures})
		}
	}
	p.Data = v
	return w.render(c, status, "commissions", p)
}

// recalculate previews or posts a month's recalculation.
func (w *Web) recalculate(c *fiber.Ctx) error {
	p := signedIn(c, "Commissions", "commissions")
	period := c.FormValue("period")
	if c.FormValue("post") == "" {
		r, err := w.app.PreviewRecalculation(c.UserContext(), period, "")
		if msg, ok := problem(p.Loc, err); ok {
			p.Message, p.IsError = p.T("Not done: %s", msg), true
			return w.commissionsWith(c, p, fiber.StatusUnprocessableEntity, nil)
		}
		if err != nil {
			return w.fail(c, p, err)
		}
		p.Message = p.T("%d differences would be posted; nothing is posted yet.", len(r.Lines))
		return w.commissionsWith(c, p, 200, &r)
	}
	r, err := w.app.RecalculateCommission(c.UserContext(), period, "")
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.commissionsWith(c, p, fiber.StatusUnprocessableEntity, nil)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Recalculated: %d differences posted.", len(r.Lines))
	return w.commissionsWith(c, p, 200, nil)
}

// repStatement is one rep's statement of a month, with mark paid.
func (w *Web) repStatement(c *fiber.Ctx) error {
	return w.repStatementWith(c, signedIn(c, "Commission statement", "commissions"), 200)
}

func (w *Web) repStatementWith(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	st, err := w.app.CommissionStatement(ctx, c.Params("user"), c.Params("period"))
	if err != nil {
		return w.fail(c, p, err)
	}
	u, err := w.app.User(ctx, st.UserID)
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &commissionsView{Period: st.Period}
	_, v.Prev, v.Next = periodOf(c, quotient.DateOf(w.app.Now()))
	rep := &struct {
		ID, Name string
		Lines    []struct{ Date, Invoice, SKU, Source, Basis, Rate, Amount, Status, StatusLabel string }
		Totals   []struct{ Currency, Accrued, Payable, Paid, ClawedBack, Total string }
		Payouts  []struct{ Date, Amount string }
		MayPay   bool
	}{ID: u.ID, Name: u.Name}
	for _, l := range st.Lines {
		rep.Lines = append(rep.Lines, struct{ Date, Invoice, SKU, Source, Basis, Rate, Amount, Status, StatusLabel string }{p.Loc.Date(l.Date), l.InvoiceNumber, l.SKU,
			p.T(label(l.SourceType)), minorMoney(p.Loc, l.Basis, l.Currency), p.Loc.Percent(l.RatePct), minorMoney(p.Loc, l.Amount, l.Currency), string(l.Status),
			p.T(label(string(l.Status)))})
	}
	for _, t := range st.Totals {
		rep.Totals = append(rep.Totals, struct{ Currency, Accrued, Payable, Paid, ClawedBack, Total string }{t.Currency, minorMoney(p.Loc, t.Accrued, t.Currency),
			minorMoney(p.Loc, t.Payable, t.Currency), minorMoney(p.Loc, t.Paid, t.Currency), minorMoney(p.Loc, t.ClawedBack, t.Currency), minorMoney(p.Loc, t.Total, t.Currency)})
		rep.MayPay = rep.MayPay || t.Payable > 0
	}
	for _, po := range st.Payouts {
		rep.Payouts = append(rep.Payouts, struct{ Date, Amount string }{p.Loc.Date(quotient.DateOf(po.CreatedAt)), minorMoney(p.Loc, po.Amount, po.Currency)})
	}
	v.Rep = rep
	p.Title, p.Data = p.T("Commission of %s, %s", u.Name, st.Period), v
	return w.render(c, status, "commission", p)
}

// payRep marks what is payable on a rep's statement paid.
func (w *Web) payRep(c *fiber.Ctx) error {
	p := signedIn(c, "Commission statement", "commissions")
	ps, err := w.app.PayCommission(c.UserContext(), c.Params("user"), c.Params("period"))
	if msg, ok := problem(p.Loc, err); ok {
		p.Message, p.IsError = p.T("Not done: %s", msg), true
		return w.repStatementWith(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = p.T("Marked paid: %d payouts posted.", len(ps))
	return w.repStatementWith(c, p, 200)
}

// payroll is a month's commissions as CSV for payroll: each rep's
// payable and paid per currency.
func (w *Web) payroll(c *fiber.Ctx) error {
	p := signedIn(c, "Commissions", "commissions")
	period, _, _ := periodOf(c, quotient.DateOf(w.app.Now()))
	reps, err := w.repsOf(c)
	if err != nil {
		return w.fail(c, p, err)
	}
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	_ = cw.Write([]string{"period", "user_id", "name", "email", "currency", "accrued", "payable", "paid", "clawed_back", "total"})
	for _, u := range reps {
		st, err := w.app.CommissionStatement(c.UserContext(), u.ID, period)
		if err != nil {
			return w.fail(c, p, err)
		}
		for _, t := range st.Totals {
			cur, _ := quotient.LookupCurrency(t.Currency)
			f := func(n int64) string { return cur.FromMinor(n).StringFixed(int32(cur.MinorUnits)) }
			_ = cw.Write([]string{period, u.ID, u.Name, u.Email, t.Currency, f(t.Accrued), f(t.Payable), f(t.Paid), f(t.ClawedBack), f(t.Total)})
		}
	}
	cw.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="commissions-`+period+`.csv"`)
	return c.Send(b.Bytes())
}

func (w *Web) commissionPDF(c *fiber.Ctx) error {
	f, err := w.app.CommissionStatementPDF(c.UserContext(), c.Params("user"), c.Params("period"))
	return w.sendPDF(c, f, err)
}
