package web

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/quote"
	"github.com/shopspring/decimal"
)

// monthView is the signed-in rep's month: quota, bookings, attainment and
// commission.
type monthView struct{ Period, Currency, Quota, Bookings, Attainment, Accrued, Payable string }

// pipelineRow is an open opportunity on the home page.
type pipelineRow struct {
	ID, Name, Account, Stage, Close, Amount, Weighted string
	Next                                              string // the stage a move proposes: the next one
	Version                                           int
}

// pipelineColumn is a stage of the pipeline board.
type pipelineColumn struct {
	Stage  string
	Closed bool // a drop target that closes the opportunity; closed ones are not on the board
	Cards  []pipelineRow
	Totals []string // amount and weighted amount, per currency
}

// quoteRow is a quote in a list.
type quoteRow struct {
	ID, Number, Account, Status, StatusLabel, ValidUntil, Total string
}

// rows shows quotes with their accounts' names.
func (w *Web) rows(ctx context.Context, loc i18n.Locale, qs []app.QuoteVersion) ([]quoteRow, error) {
	names := map[string]string{}
	out := make([]quoteRow, 0, len(qs))
	for _, x := range qs {
		name, ok := names[x.Quote.AccountID]
		if !ok {
			acc, err := w.app.Account(ctx, x.Quote.AccountID)
			if err != nil {
				return nil, err
			}
			name, names[x.Quote.AccountID] = acc.Name, acc.Name
		}
		out = append(out, quoteRow{ID: x.Quote.ID, Number: x.Quote.Number, Account: name, Status: string(x.Version.Status),
			StatusLabel: loc.T(statusLabel(x.Version.Status)), ValidUntil: loc.Date(x.Version.ValidUntil), Total: money(loc, x)})
	}
	return out, nil
}

func statusLabel(s quote.Status) string { return label(string(s)) }

func money(loc i18n.Locale, x app.QuoteVersion) string {
	if x.Version.Priced == nil {
		return ""
	}
	return loc.Money(x.Version.Priced.Total, x.Quote.Currency)
}

// home is the signed-in person's start: what waits for their approval and
// their open quotes.
func (w *Web) home(c *fiber.Ctx) error { return w.homeWith(c, signedIn(c, "Home", "home"), 200) }

func (w *Web) homeWith(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	var open []app.QuoteVersion
	for _, st := range []quote.Status{quote.Draft, quote.PendingApproval, quote.Approved, quote.Sent} {
		qs, err := w.app.Quotes(ctx, quote.Filter{OwnerID: "me", Status: st, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		open = append(open, qs...)
	}
	waiting, err := w.app.Quotes(ctx, quote.Filter{Approver: "me", Page: quotient.Page{Limit: 50}})
	if err != nil {
		return w.fail(c, p, err)
	}
	if p.Quotes, err = w.rows(ctx, p.Loc, open); err != nil {
		return w.fail(c, p, err)
	}
	if p.Waiting, err = w.rows(ctx, p.Loc, waiting); err != nil {
		return w.fail(c, p, err)
	}
	if err := w.pipeline(ctx, &p); err != nil {
		return w.fail(c, p, err)
	}
	return w.render(c, status, "home", p)
}

// pipeline fills the home page's pipeline (open opportunities the person
// owns, by stage, with probability-weighted totals per currency) and, for
// a salesperson, their month.
func (w *Web) pipeline(ctx context.Context, p *page) error {
	opps, err := w.app.Opportunities(ctx, crm.OpportunityFilter{OwnerID: p.User.ID, Page: quotient.Page{Limit: 200}})
	if err != nil {
		return err
	}
	p.Stages = crm.Stages
	names := map[string]string{}
	type sums struct{ amount, weighted decimal.Decimal }
	totals := map[string]*sums{}
	var curs []string
	for _, o := range opps {
		if o.Stage.Closed() {
			continue
		}
		if _, ok := names[o.AccountID]; !ok {
			acc, err := w.app.Account(ctx, o.AccountID)
			if err != nil {
				return err
			}
			names[o.AccountID] = acc.Name
		}
		weighted := o.Amount.Mul(o.Probability).Div(decimal.NewFromInt(100))
		p.Pipeline = append(p.Pipeline, pipelineRow{ID: o.ID, Name: o.Name, Account: names[o.AccountID], Stage: string(o.Stage), Close: p.Loc.Date(o.CloseDate),
			Amount: p.Loc.Money(o.Amount, o.Currency), Weighted: p.Loc.Money(weighted, o.Currency), Version: o.Version,
			Next: crm.Stages[min(stageOrder(string(o.Stage))+1, len(crm.Stages)-1)]})
		if totals[o.Currency] == nil {
			totals[o.Currency] = &sums{}
			curs = append(curs, o.Currency)
		}
		totals[o.Currency].amount = totals[o.Currency].amount.Add(o.Amount)
		totals[o.Currency].weighted = totals[o.Currency].weighted.Add(weighted)
	}
	sort.SliceStable(p.Pipeline, func(i, j int) bool { return stageOrder(p.Pipeline[i].Stage) < stageOrder(p.Pipeline[j].Stage) })
	// The board: a column per stage with its cards and its totals per
	// currency; the closed stages are where a card is dropped to close it.
	for _, st := range crm.Stages {
		col := pipelineColumn{Stage: st, Closed: crm.Stage(st).Closed()}
		colSums := map[string]*sums{}
		var colCurs []string
		for _, o := range opps {
			if string(o.Stage) != st || o.Stage.Closed() {
				continue
			}
			if colSums[o.Currency] == nil {
				colSums[o.Currency] = &sums{}
				colCurs = append(colCurs, o.Currency)
			}
			colSums[o.Currency].amount = colSums[o.Currency].amount.Add(o.Amount)
			colSums[o.Currency].weighted = colSums[o.Currency].weighted.Add(o.Amount.Mul(o.Probability).Div(decimal.NewFromInt(100)))
		}
		for _, r := range p.Pipeline {
			if r.Stage == st {
				col.Cards = append(col.Cards, r)
			}
		}
		sort.Strings(colCurs)
		for _, c := range colCurs {
			col.Totals = append(col.Totals, p.T("%s, weighted %s", p.Loc.Money(colSums[c].amount, c), p.Loc.Money(colSums[c].weighted, c)))
		}
		p.Columns = append(p.Columns, col)
	}
	sort.Strings(curs)
	for _, c := range curs {
		p.PipelineTotals = append(p.PipelineTotals, struct{ Currency, Amount, Weighted string }{c, p.Loc.Money(totals[c].amount, c),
			p.Loc.Money(totals[c].weighted, c)})
	}
	if p.User.Role != quotient.RoleSalesRep && p.User.Role != quotient.RoleSalesManager {
		return nil
	}
	perf, err := w.app.Performance(ctx, p.User.ID, "", "")
	if err != nil {
		return err
	}
	cur, _ := quotient.LookupCurrency(perf.Currency)
	m := func(n int64) string { return p.Loc.Money(cur.FromMinor(n), perf.Currency) }
	month := &monthView{Period: perf.Period, Currency: perf.Currency, Quota: p.Loc.Money(perf.Quota, perf.Currency), Bookings: m(perf.Figures.Bookings),
		Attainment: p.T("no quota"), Accrued: m(perf.Commission.Accrued), Payable: m(perf.Commission.Payable)}
	if perf.AttainmentPct != nil {
		month.Attainment = p.Loc.Percent(perf.AttainmentPct.Round(1))
	}
	p.Month = month
	return nil
}

func stageOrder(s string) int { return slices.Index(crm.Stages, s) }

// moveStage moves one of the person's opportunities to another stage; the
// home page says what happened, or why not.
func (w *Web) moveStage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Home", "home")
	version, _ := strconv.Atoi(c.FormValue("version"))
	stage := crm.Stage(c.FormValue("stage"))
	o, err := w.app.UpdateOpportunity(ctx, c.Params("id"), version, crm.OpportunityPatch{Stage: &stage})
	var qe *quotient.Error
	switch {
	case errors.As(err, &qe) && qe.Code != quotient.Internal && qe.Code != quotient.Unavailable:
		p.Message, p.IsError = p.Loc.Error(qe), true
		if qe.Code == quotient.Stale {
			p.Message = p.T("Someone changed that opportunity since this page was shown; here it is as it is now.")
		}
	case err != nil:
		return w.fail(c, p, err)
	default:
		p.Message = p.T("%s moved to %s.", o.Name, p.T(label(string(o.Stage))))
	}
	status := 200
	if p.IsError {
		status = fiber.StatusUnprocessableEntity
	}
	return w.homeWith(c, p, status)
}
