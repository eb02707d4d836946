package web

import (
	"maps"
	"sort"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/i18n"
	"github.com/quotient-cpq/quotient/quote"
)

// configView is a configurable line as its configuration page shows it:
// every attribute with the options the rules still allow, what the rules
// chose by themselves, and the errors and warnings of the choice.
type configView struct {
	QuoteID, Number, Product, SKU, ProductID string
	N, Version, Page                         int
	Valid                                    bool
	Errors, Warnings                         []string
	Fields                                   []configField
	PriceDelta                               string
	CSRF                                     string
	Chosen                                   []string // the attributes the rep chose themselves
}

// configField is one attribute of the configuration.
type configField struct {
	Code, Name, Type, Value, Unit, Hint, Source, Error string
	Required                                           bool
	Options                                            []struct{ Code, Label string }
}

// configure shows a line's configuration as the rules resolve it.
func (w *Web) configure(c *fiber.Ctx) error {
	p := signedIn(c, "Configure", "quotes")
	return w.configPage(c, p, nil, map[string]bool{}, false)
}

// reconfigure checks the choices as they are made (htmx: the form alone)
// and, when the rep applies them and they are valid, saves them to the
// line, which prices the quote again.
func (w *Web) reconfigure(c *fiber.Ctx) error {
	p := signedIn(c, "Configure", "quotes")
	values, touched := map[string]string{}, map[string]bool{}
	for _, code := range strings.Split(c.FormValue("chosen"), ",") {
		if code != "" {
			touched[code] = true
		}
	}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if code, ok := strings.CutPrefix(string(k), "cfg."); ok {
			values[code] = strings.TrimSpace(string(v))
			// A value that differs from the one the page showed is the
			// rep's own choice from now on.
			if values[code] != c.FormValue("was."+code) {
				touched[code] = true
			}
		}
	})
	return w.configPage(c, p, values, touched, c.FormValue("action") == "apply")
}

// configPage shows (and, with apply, saves) a line's configuration. The
// values the rep has not chosen themselves (touched) give way to the
// selection and filter rules: choosing 512 GB of memory brings the 64-core
// CPU with it, unless the rep picked a CPU, which is then an error to
// resolve.
func (w *Web) configPage(c *fiber.Ctx, p page, chosen map[string]string, touched map[string]bool, apply bool) error {
	ctx := c.UserContext()
	x, err := w.app.Quote(ctx, c.Params("id"), 0)
	if err != nil {
		return w.fail(c, p, err)
	}
	n, _ := strconv.Atoi(c.Params("n"))
	if n < 1 || n > len(x.Version.Lines) {
		return w.fail(c, p, quotient.Errorf(quotient.NotFound, "no line %d", n))
	}
	line := x.Version.Lines[n-1]
	if chosen == nil {
		chosen = line.Configuration
	}
	pr, err := w.app.Product(ctx, line.ProductID)
	if err != nil {
		return w.fail(c, p, err)
	}
	act, _ := quotient.ActorFrom(ctx)
	if !quote.MayWrite(act, x.Quote) || x.Version.Status != quote.Draft {
		return w.fail(c, p, quotient.Errorf(quotient.Conflict, "quote %s is not a draft you may change; its configuration shows on the quote", x.Quote.Number))
	}
	rules, err := w.app.ConfigRules(ctx, pr.ID, quotient.Page{Limit: 500})
	if err != nil {
		return w.fail(c, p, err)
	}
	yields := map[string]bool{} // rules that set or narrow a value
	for _, r := range rules {
		yields[r.ID] = r.Kind == catalog.Selection || r.Kind == catalog.Filter
	}
	values := maps.Clone(chosen)
	var got app.Configured
	for pass := 0; pass < 4; pass++ {
		got, err = w.app.Configure(ctx, pr.ID, app.ConfigureInput{AccountID: x.Quote.AccountID, PriceBookID: x.Quote.PriceBookID, Configuration: values})
		if err != nil {
			break
		}
		dropped := false
		for _, e := range got.Errors {
			if _, set := values[e.Attribute]; set && yields[e.RuleID] && !touched[e.Attribute] {
				delete(values, e.Attribute)
				dropped = true
			}
		}
		if !dropped {
			break
		}
	}
	if msg, field, ok := said(p.Loc, err); ok {
		p.Message, p.IsError = fieldWords(p.Loc, field, msg), true
	} else if err != nil {
		return w.fail(c, p, err)
	}
	v := configViewOf(p.Loc, x, n, pr, got, p.CSRF)
	for code := range touched {
		v.Chosen = append(v.Chosen, code)
	}
	sort.Strings(v.Chosen)
	status := 200
	if apply && v.Valid && !p.IsError {
		_, err := w.app.EditQuoteLine(ctx, x.Quote.ID, x.Version.Version, 0, quote.LineEdit{Line: n, ProductID: pr.ID, Configuration: got.Values})
		msg, field, ok := said(p.Loc, err)
		switch {
		case err == nil:
			q := signedIn(c, "Quote", "quotes")
			q.Message = q.T("Line %d configured (%s); the quote is priced again.", n, configSummary(q.Loc, pr, got.Values))
			return w.quotePage(c, q, 200, 0, (n-1)/linesPerPage+1, nil)
		case ok:
			p.Message, p.IsError = fieldWords(p.Loc, field, msg), true
		default:
			return w.fail(c, p, err)
		}
	}
	if apply && !v.Valid {
		p.Message, p.IsError = p.T("The configuration is not valid yet: %s.", strings.Join(v.Errors, "; ")), true
	}
	if p.IsError {
		status = fiber.StatusUnprocessableEntity
	}
	p.Title, p.Config = p.T("Configure line %d of %s", n, x.Quote.Number), v
	if htmx(c) && !apply {
		return w.fragment(c, 200, "configure", p, p, "cfgform")
	}
	return w.render(c, status, "configure", p)
}

// configViewOf shows a configuration as the rules resolved it.
func configViewOf(loc i18n.Locale, x app.QuoteVersion, n int, pr catalog.Product, got app.Configured, csrf string) *configView {
	v := &configView{QuoteID: x.Quote.ID, Number: x.Quote.Number, Product: pr.Name, SKU: pr.SKU, ProductID: pr.ID, N: n, Version: x.Version.Version,
		Page: (n-1)/linesPerPage + 1, Valid: got.Valid, CSRF: csrf}
	if got.Currency != "" {
		v.PriceDelta = loc.Money(got.PriceDelta, got.Currency)
	}
	byAttr := map[string][]string{}
	for _, e := range got.Errors {
		if e.Attribute != "" {
			byAttr[e.Attribute] = append(byAttr[e.Attribute], e.Message)
		}
		v.Errors = append(v.Errors, issueWords(loc, e))
	}
	for _, e := range got.Warnings {
		v.Warnings = append(v.Warnings, issueWords(loc, e))
	}
	for _, st := range got.Attributes {
		a := st.Attribute
		f := configField{Code: a.Code, Name: a.Name, Type: string(a.Type), Value: st.Value, Unit: a.Unit, Required: a.Required,
			Error: strings.Join(byAttr[a.Code], "; ")}
		if strings.HasPrefix(st.Source, "selected by rule") {
			f.Source = loc.T("Chosen for you: %s", st.Source)
		}
		switch a.Type {
		case catalog.Enum:
			for _, o := range st.Allowed {
				lbl := o.Label
				if !o.PriceDelta.IsZero() && got.Currency != "" {
					lbl += " (+" + loc.Money(o.PriceDelta, got.Currency) + ")"
				}
				f.Options = append(f.Options, struct{ Code, Label string }{o.Code, lbl})
			}
		case catalog.Number:
			var hint []string
			if a.Min != nil {
				hint = append(hint, loc.T("from %s", loc.Number(*a.Min)))
			}
			if a.Max != nil {
				hint = append(hint, loc.T("to %s", loc.Number(*a.Max)))
			}
			if a.Step != nil {
				hint = append(hint, loc.T("in steps of %s", loc.Number(*a.Step)))
			}
			f.Hint = strings.Join(hint, " ")
			if a.Unit != "" && f.Hint != "" {
				f.Hint += " " + a.Unit
			}
		}
		v.Fields = append(v.Fields, f)
	}
	return v
}

// issueWords is a configuration issue with the rule that raised it.
func issueWords(loc i18n.Locale, e catalog.Issue) string {
	if e.RuleName != "" && !strings.Contains(e.Message, e.RuleName) {
		return loc.T("%s (rule: %s)", e.Message, e.RuleName)
	}
	return e.Message
}
