package web

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/app.css
var appCSS []byte

// SessionCookie names the cookie that carries a session's secret.
const SessionCookie = "quotient_session"

// Config is what the workspace needs.
type Config struct {
	App *app.App
	// PublicURL is where people reach the server; https makes the
	// session cookie Secure.
	PublicURL string
	Logger    *slog.Logger
}

// Web serves the workspace's pages.
type Web struct {
	app    *app.App
	secure bool
	log    *slog.Logger
	pages  map[string]*template.Template
	asks   *throttle // link requests per address
	tries  *throttle // password sign-ins per address
}

// Mount adds the workspace's routes to r.
func Mount(r fiber.Router, cfg Config) *Web {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Web{app: cfg.App, secure: strings.HasPrefix(cfg.PublicURL, "https://"), log: cfg.Logger, pages: map[string]*template.Template{},
		asks:  &throttle{limit: 10, window: 15 * time.Minute, seen: map[string][]time.Time{}},
		tries: &throttle{limit: 20, window: 15 * time.Minute, seen: map[string][]time.Time{}}}
	for _, p := range []string{"signin", "redeem", "home", "quote", "error", "account", "code", "approvals", "accounts", "account360", "orders", "order"} {
		w.pages[p] = template.Must(template.ParseFS(templateFiles, "templates/layout.html", "templates/"+p+".html"))
	}
	// The Japanese font the documents embed, as a web font: pages name it
	// with a unicode-range, so only pages with Japanese text fetch it, and
	// Japanese renders on machines without Japanese fonts.
	r.Get("/assets/ipaexg.ttf", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "font/ttf")
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return c.Send(document.JapaneseFont())
	})
	r.Get("/assets/app.css", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "text/css; charset=utf-8")
		c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
		return c.Send(appCSS)
	})
	// Each route names its pattern for the request log and metrics, and
	// the signed-in ones resolve the session first (per route, so that
	// the API's own 404s stay problem JSON).
	add := func(method, path string, hs ...fiber.Handler) {
		named := func(c *fiber.Ctx) error { c.Locals("route", path); return c.Next() }
		r.Add(method, path, append([]fiber.Handler{named}, hs...)...)
	}
	add("GET", "/signin", w.signinPage)
	add("POST", "/signin", w.sameOrigin, w.askLink)
	add("POST", "/signin/password", w.sameOrigin, w.passwordSignIn) // before /signin/:link, which would take it
	add("GET", "/signin/code", w.session, w.codePage)
	add("POST", "/signin/code", w.session, w.csrf, w.proveCode)
	add("GET", "/signin/:link", w.redeemPage) // after /signin/password and /signin/code
	add("POST", "/signin/:link", w.sameOrigin, w.redeem)
	add("POST", "/signout", w.session, w.csrf, w.signout)
	add("GET", "/account", w.session, w.account)
	add("POST", "/account/password", w.session, w.csrf, w.setPassword)
	add("POST", "/account/sessions/revoke", w.session, w.csrf, w.revokeSessions)
	add("GET", "/accounts", w.session, w.accounts)
	add("GET", "/accounts/:id", w.session, w.account360)
	add("GET", "/orders", w.session, w.orders)
	add("GET", "/orders/:id", w.session, w.order)
	add("GET", "/approvals", w.session, w.approvals)
	add("POST", "/approvals/:id", w.session, w.csrf, w.decide)
	add("GET", "/", w.session, w.home)
	add("POST", "/opportunities/:id/stage", w.session, w.csrf, w.moveStage)
	add("GET", "/quotes/:id", w.session, w.quote)
	add("GET", "/quotes/:id/pdf", w.session, w.quotePDF)
	return w
}

// page is what every page template gets.
type page struct {
	Title, Nav      string
	User            *crm.User
	CSRF            string
	Message         string
	IsError         bool
	Email, Link     string
	Heading         string
	Quotes, Waiting []quoteRow
	Quote           *quoteView
	Setup           app.SecondFactorSetup
	Required        bool
	Requests        []approvalView
	Filter          struct{ Q, Owner, Segment string }
	Segments        []string
	Accounts        []accountRow
	Account         *accountView
	Orders          []orderRow
	Order           *orderView
	Month           *monthView
	Pipeline        []pipelineRow
	PipelineTotals  []struct{ Currency, Amount, Weighted string }
	Stages          []string
}

// monthView is the signed-in rep's month: quota, bookings, attainment and
// commission.
type monthView struct{ Period, Currency, Quota, Bookings, Attainment, Accrued, Payable string }

// pipelineRow is an open opportunity on the home page.
type pipelineRow struct {
	ID, Name, Account, Stage, Close, Amount, Weighted string
	Next                                              string // the stage a move proposes: the next one
	Version                                           int
}

func (w *Web) render(c *fiber.Ctx, status int, name string, p page) error {
	var b strings.Builder
	if err := w.pages[name].ExecuteTemplate(&b, "layout", p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	// Addresses stay on this site (a sign-in link is a credential), and
	// the browser still says where a form came from (Origin), which
	// no-referrer would make "null".
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	return c.Status(status).SendString(b.String())
}

// fail renders an error as a page: the status the API would answer, in
// words; a failure of the server itself is logged, never shown.
func (w *Web) fail(c *fiber.Ctx, p page, err error) error {
	status, heading, msg := 500, "Something went wrong", "The server could not do this; the request id in its log says why."
	var qe *quotient.Error
	if errors.As(err, &qe) {
		switch qe.Code {
		case quotient.NotFound:
			status, heading, msg = 404, "Not found", "There is nothing here, or nothing you may see."
		case quotient.Forbidden:
			status, heading, msg = 403, "Not allowed", qe.Message
		case quotient.Unavailable:
			status, heading, msg = 503, "Please try again shortly", "The database is unavailable for a moment."
			c.Set(fiber.HeaderRetryAfter, "5")
		case quotient.Internal:
		default:
			status, heading, msg = 400, "That did not work", qe.Message
		}
	}
	if status == 500 {
		w.log.ErrorContext(c.UserContext(), "page failed", slog.String("path", c.Route().Path), slog.Any("error", err))
	}
	p.Title, p.Heading, p.Message = heading, heading, msg
	return w.render(c, status, "error", p)
}

// session resolves the session cookie to the person signed in; without
// one, a page sends them to sign in and back.
func (w *Web) session(c *fiber.Ctx) error {
	ctx := c.UserContext()
	act, ses, err := w.app.SessionActor(ctx, c.Cookies(SessionCookie))
	if err != nil {
		if quotient.ErrorCode(err) != quotient.Unauthorized {
			return w.fail(c, page{}, err)
		}
		if c.Method() != fiber.MethodGet {
			return w.fail(c, page{}, quotient.Errorf(quotient.Forbidden, "your session ended; sign in again"))
		}
		return c.Redirect("/signin?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	ctx = quotient.WithActor(ctx, act)
	c.SetUserContext(ctx)
	// Until the session proves its second factor it opens only the code
	// page and sign-out.
	if !ses.SecondFactor && c.Path() != "/signin/code" && c.Path() != "/signout" {
		if c.Method() != fiber.MethodGet {
			return w.fail(c, page{}, quotient.Errorf(quotient.Forbidden, "enter the code of your second factor first"))
		}
		return c.Redirect("/signin/code", fiber.StatusSeeOther)
	}
	u, err := w.app.Me(ctx)
	if err != nil {
		return w.fail(c, page{}, err)
	}
	c.Locals("user", &u)
	c.Locals("session", ses)
	return c.Next()
}

// signedIn is the page of a request the session middleware let through.
func signedIn(c *fiber.Ctx, title, nav string) page {
	u, _ := c.Locals("user").(*crm.User)
	ses, _ := c.Locals("session").(crm.Session)
	return page{Title: title, Nav: nav, User: u, CSRF: ses.CSRF}
}

// csrf refuses a state-changing request whose form (or X-CSRF-Token
// header, for htmx) does not carry the session's token: 403, nothing done.
func (w *Web) csrf(c *fiber.Ctx) error {
	ses, _ := c.Locals("session").(crm.Session)
	got := c.FormValue("csrf")
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	if ses.CSRF == "" || got != ses.CSRF {
		return w.fail(c, signedIn(c, "", ""), quotient.Errorf(quotient.Forbidden, "the form was stale or did not come from this site; reload the page and try again"))
	}
	return c.Next()
}

// sameOrigin refuses a post from another site (its Origin names another
// host), for the forms that come before a session exists.
func (w *Web) sameOrigin(c *fiber.Ctx) error {
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		if u, err := url.Parse(o); err != nil || u.Host != string(c.Request().Host()) {
			return w.fail(c, page{}, quotient.Errorf(quotient.Forbidden, "this form only works from this site"))
		}
	}
	return c.Next()
}

func (w *Web) signinPage(c *fiber.Ctx) error {
	return w.render(c, 200, "signin", page{Title: "Sign in"})
}

// askLink e-mails a sign-in link. The answer is the same whether the
// address is known or not; an address asking too often is told to wait.
func (w *Web) askLink(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	p := page{Title: "Sign in", Email: email}
	if !w.asks.allow(c.IP(), time.Now()) {
		p.Message, p.IsError = "Too many sign-in requests from your network; wait 15 minutes and try again.", true
		return w.render(c, fiber.StatusTooManyRequests, "signin", p)
	}
	if !strings.Contains(email, "@") || len(email) > 254 {
		p.Message, p.IsError = "Enter your e-mail address, such as name@example.com.", true
		return w.render(c, fiber.StatusUnprocessableEntity, "signin", p)
	}
	if err := w.app.EmailSignInLink(c.UserContext(), email); err != nil {
		return w.fail(c, p, err)
	}
	p.Message = "If " + email + " belongs to a Quotient user, a sign-in link is on its way. It works once, within 30 minutes."
	return w.render(c, 200, "signin", p)
}

// redeemPage asks for a click before the link is used, so that a mail
// scanner that follows links does not use it up.
func (w *Web) redeemPage(c *fiber.Ctx) error {
	return w.render(c, 200, "redeem", page{Title: "Sign in", Link: c.Params("link")})
}

func (w *Web) redeem(c *fiber.Ctx) error {
	sec, err := w.app.Redeem(c.UserContext(), c.Params("link"), c.IP(), c.Get(fiber.HeaderUserAgent))
	if quotient.ErrorCode(err) == quotient.Unauthorized {
		return w.render(c, fiber.StatusUnauthorized, "signin", page{Title: "Sign in", Message: err.(*quotient.Error).Message, IsError: true})
	}
	if err != nil {
		return w.fail(c, page{}, err)
	}
	return w.startSession(c, sec)
}

// startSession sets a new session's cookie and goes home.
func (w *Web) startSession(c *fiber.Ctx, sec string) error {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: sec, Path: "/", HTTPOnly: true, Secure: w.secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Now().Add(crm.SessionAbsolute)})
	return c.Redirect("/", fiber.StatusSeeOther)
}

// passwordSignIn signs in with an e-mail address and a password. A wrong
// one says so without saying which; an account or an address that tried
// too often is told to wait.
func (w *Web) passwordSignIn(c *fiber.Ctx) error {
	email := strings.TrimSpace(c.FormValue("email"))
	p := page{Title: "Sign in", Email: email, IsError: true}
	if !w.tries.allow(c.IP(), time.Now()) {
		p.Message = "Too many sign-in attempts from your network; wait 15 minutes and try again."
		return w.render(c, fiber.StatusTooManyRequests, "signin", p)
	}
	sec, err := w.app.SignInWithPassword(c.UserContext(), email, c.FormValue("password"), c.IP(), c.Get(fiber.HeaderUserAgent))
	switch quotient.ErrorCode(err) {
	case quotient.Unauthorized:
		p.Message = "The e-mail address or the password is wrong."
		return w.render(c, fiber.StatusUnauthorized, "signin", p)
	case quotient.RateLimited:
		p.Message = "Too many failed sign-ins for this account: wait 15 minutes, or ask for a sign-in link below."
		return w.render(c, fiber.StatusTooManyRequests, "signin", p)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	return w.startSession(c, sec)
}

func (w *Web) account(c *fiber.Ctx) error {
	return w.render(c, 200, "account", signedIn(c, "Your account", "account"))
}

// setPassword sets the signed-in person's password; a refusal says why,
// at the field.
func (w *Web) setPassword(c *fiber.Ctx) error {
	p := signedIn(c, "Your account", "account")
	err := w.app.SetPassword(c.UserContext(), c.FormValue("password"))
	var qe *quotient.Error
	if errors.As(err, &qe) && qe.Code == quotient.Unprocessable {
		p.Message, p.IsError = "The password "+qe.Message+".", true
		return w.render(c, fiber.StatusUnprocessableEntity, "account", p)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = "Your password is set: sign in with it next time."
	return w.render(c, 200, "account", p)
}

// revokeSessions ends every session of the signed-in person.
func (w *Web) revokeSessions(c *fiber.Ctx) error {
	u, _ := c.Locals("user").(*crm.User)
	if _, err := w.app.RevokeSessions(c.UserContext(), u.ID); err != nil {
		return w.fail(c, signedIn(c, "", ""), err)
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: w.secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0)})
	return w.render(c, 200, "signin", page{Title: "Sign in", Message: "Every session of yours has ended; sign in again."})
}

func (w *Web) signout(c *fiber.Ctx) error {
	if err := w.app.SignOut(c.UserContext(), c.Cookies(SessionCookie)); err != nil {
		return w.fail(c, page{}, err)
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, Secure: w.secure, SameSite: fiber.CookieSameSiteLaxMode,
		Expires: time.Unix(0, 0)})
	return w.render(c, 200, "signin", page{Title: "Sign in", Message: "You are signed out."})
}

// quoteRow is a quote in a list.
type quoteRow struct {
	ID, Number, Account, Status, StatusLabel, ValidUntil, Total string
}

// rows shows quotes with their accounts' names.
func (w *Web) rows(ctx context.Context, qs []app.QuoteVersion) ([]quoteRow, error) {
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
			StatusLabel: statusLabel(x.Version.Status), ValidUntil: x.Version.ValidUntil.String(), Total: money(x)})
	}
	return out, nil
}

func statusLabel(s quote.Status) string { return label(string(s)) }

func money(x app.QuoteVersion) string {
	if x.Version.Priced == nil {
		return ""
	}
	return document.Money(x.Version.Priced.Total, x.Quote.Currency)
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
	if p.Quotes, err = w.rows(ctx, open); err != nil {
		return w.fail(c, p, err)
	}
	if p.Waiting, err = w.rows(ctx, waiting); err != nil {
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
		p.Pipeline = append(p.Pipeline, pipelineRow{ID: o.ID, Name: o.Name, Account: names[o.AccountID], Stage: string(o.Stage), Close: o.CloseDate.String(),
			Amount: document.Money(o.Amount, o.Currency), Weighted: document.Money(weighted, o.Currency), Version: o.Version,
			Next: crm.Stages[min(stageOrder(string(o.Stage))+1, len(crm.Stages)-1)]})
		if totals[o.Currency] == nil {
			totals[o.Currency] = &sums{}
			curs = append(curs, o.Currency)
		}
		totals[o.Currency].amount = totals[o.Currency].amount.Add(o.Amount)
		totals[o.Currency].weighted = totals[o.Currency].weighted.Add(weighted)
	}
	sort.SliceStable(p.Pipeline, func(i, j int) bool { return stageOrder(p.Pipeline[i].Stage) < stageOrder(p.Pipeline[j].Stage) })
	sort.Strings(curs)
	for _, c := range curs {
		p.PipelineTotals = append(p.PipelineTotals, struct{ Currency, Amount, Weighted string }{c, document.Money(totals[c].amount, c),
			document.Money(totals[c].weighted, c)})
	}
	if p.User.Role != quotient.RoleSalesRep && p.User.Role != quotient.RoleSalesManager {
		return nil
	}
	perf, err := w.app.Performance(ctx, p.User.ID, "", "")
	if err != nil {
		return err
	}
	cur, _ := quotient.LookupCurrency(perf.Currency)
	m := func(n int64) string { return document.Money(cur.FromMinor(n), perf.Currency) }
	month := &monthView{Period: perf.Period, Currency: perf.Currency, Quota: document.Money(perf.Quota, perf.Currency), Bookings: m(perf.Figures.Bookings),
		Attainment: "no quota", Accrued: m(perf.Commission.Accrued), Payable: m(perf.Commission.Payable)}
	if perf.AttainmentPct != nil {
		month.Attainment = perf.AttainmentPct.StringFixed(1) + "%"
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
		p.Message, p.IsError = qe.Message, true
		if qe.Code == quotient.Stale {
			p.Message = "Someone changed that opportunity since this page was shown; here it is as it is now."
		}
	case err != nil:
		return w.fail(c, p, err)
	default:
		p.Message = fmt.Sprintf("%s moved to %s.", o.Name, o.Stage)
	}
	status := 200
	if p.IsError {
		status = fiber.StatusUnprocessableEntity
	}
	return w.homeWith(c, p, status)
}

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

// throttle counts requests per key in a sliding window, in memory: enough
// to slow one address down; several servers each count their own.
type throttle struct {
	mu     sync.Mutex
	limit  int
	window time.Duration
	seen   map[string][]time.Time
}

func (t *throttle) allow(key string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	recent := t.seen[key][:0]
	for _, at := range t.seen[key] {
		if now.Sub(at) < t.window {
			recent = append(recent, at)
		}
	}
	if len(recent) >= t.limit {
		t.seen[key] = recent
		return false
	}
	t.seen[key] = append(recent, now)
	if len(t.seen) > 10000 { // forget addresses that went quiet
		for k, v := range t.seen {
			if len(v) == 0 || now.Sub(v[len(v)-1]) >= t.window {
				delete(t.seen, k)
			}
		}
	}
	return true
}

// codePage asks for the second factor's code, setting up an authenticator
// app first when the person has none.
func (w *Web) codePage(c *fiber.Ctx) error {
	p := signedIn(c, "Second factor", "account")
	setup, err := w.app.SecondFactor(c.UserContext())
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Setup, p.Required = setup, crm.SecondFactorRequired(p.User.Role)
	return w.render(c, 200, "code", p)
}

// proveCode checks the code; a wrong one says so at the field.
func (w *Web) proveCode(c *fiber.Ctx) error {
	ses, _ := c.Locals("session").(crm.Session)
	err := w.app.ProveSecondFactor(c.UserContext(), ses, c.FormValue("code"))
	var qe *quotient.Error
	if errors.As(err, &qe) && (qe.Code == quotient.Unprocessable || qe.Code == quotient.Conflict) {
		p := signedIn(c, "Second factor", "account")
		p.Setup, _ = w.app.SecondFactor(c.UserContext())
		p.Required = crm.SecondFactorRequired(p.User.Role)
		p.Message, p.IsError = "The code "+qe.Message+".", true
		return w.render(c, fiber.StatusUnprocessableEntity, "code", p)
	}
	if err != nil {
		return w.fail(c, signedIn(c, "", ""), err)
	}
	return c.Redirect("/", fiber.StatusSeeOther)
}

// approvalView is a quote waiting for the signed-in person's decision:
// the figures the rules tested, the rules that fired, and its lines.
type approvalView struct {
	quoteRow
	Rep, Discount, Margin string
	Rules                 []struct{ Name, Status string }
	Lines                 []lineView
}

// approvals is the inbox: every quote waiting for a decision the person
// may give.
func (w *Web) approvals(c *fiber.Ctx) error {
	p := signedIn(c, "Approvals", "approvals")
	return w.inbox(c, p, 200)
}

func (w *Web) inbox(c *fiber.Ctx, p page, status int) error {
	ctx := c.UserContext()
	qs, err := w.app.Quotes(ctx, quote.Filter{Approver: "me", Page: quotient.Page{Limit: 50}})
	if err != nil {
		return w.fail(c, p, err)
	}
	rows, err := w.rows(ctx, qs)
	if err != nil {
		return w.fail(c, p, err)
	}
	for i, x := range qs {
		full, err := w.app.Quote(ctx, x.Quote.ID, 0)
		if err != nil {
			return w.fail(c, p, err)
		}
		v := approvalView{quoteRow: rows[i]}
		if rep, err := w.app.User(ctx, full.Quote.OwnerID); err == nil {
			v.Rep = rep.Name
		}
		if r := full.Version.Priced; r != nil {
			v.Discount = r.DiscountPct.StringFixed(1) + "%"
			if r.MarginPct != nil {
				v.Margin = r.MarginPct.StringFixed(1) + "%"
			}
			for _, l := range r.Lines {
				v.Lines = append(v.Lines, lineView{SKU: l.SKU, Name: l.Name, Quantity: l.Quantity.String(), Net: document.Money(l.NetAmount, full.Quote.Currency)})
			}
		}
		reqs, err := w.app.QuoteApprovals(ctx, x.Quote.ID, 0)
		if err != nil {
			return w.fail(c, p, err)
		}
		for _, r := range reqs {
			v.Rules = append(v.Rules, struct{ Name, Status string }{r.RuleName, r.Status})
		}
		p.Requests = append(p.Requests, v)
	}
	return w.render(c, status, "approvals", p)
}

// decide approves or rejects what waits for the person on a quote, with a
// comment; the page says what happened, or why not.
func (w *Web) decide(c *fiber.Ctx) error {
	p := signedIn(c, "Approvals", "approvals")
	ruling := quote.Ruling(c.FormValue("ruling"))
	if ruling != quote.Approve && ruling != quote.Reject {
		p.Message, p.IsError = "Choose Approve or Reject.", true
		return w.inbox(c, p, fiber.StatusUnprocessableEntity)
	}
	sub, err := w.app.DecideQuote(c.UserContext(), c.Params("id"), "", ruling, strings.TrimSpace(c.FormValue("comment")))
	var qe *quotient.Error
	if errors.As(err, &qe) && qe.Code != quotient.Internal && qe.Code != quotient.Unavailable && qe.Code != quotient.NotFound {
		p.Message, p.IsError = qe.Message, true
		if qe.Field != "" {
			p.Message = qe.Field + ": " + qe.Message
		}
		return w.inbox(c, p, fiber.StatusUnprocessableEntity)
	}
	if err != nil {
		return w.fail(c, p, err)
	}
	p.Message = fmt.Sprintf("Quote %s: %s. Its rep has been told by e-mail.", sub.Quote.Number, map[quote.Ruling]string{quote.Approve: "approved",
		quote.Reject: "rejected, back to draft"}[ruling])
	if sub.Version.Status == quote.PendingApproval {
		p.Message = fmt.Sprintf("Quote %s: your approval is recorded; it still waits for others.", sub.Quote.Number)
	}
	return w.inbox(c, p, 200)
}

// accountRow is an account in the list.
type accountRow struct{ ID, Name, Owner, Segment, Currency string }

// ownerNames names users by id, reading each once.
func (w *Web) ownerNames(ctx context.Context) func(id string) string {
	names := map[string]string{}
	return func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		n := id
		if u, err := w.app.User(ctx, id); err == nil {
			n = u.Name
		}
		names[id] = n
		return n
	}
}

// accounts lists accounts, filtered by what the URL says.
func (w *Web) accounts(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Accounts", "accounts")
	p.Filter.Q, p.Filter.Owner, p.Filter.Segment, p.Segments = c.Query("q"), c.Query("owner"), c.Query("segment"), crm.Segments
	f := crm.AccountFilter{Q: p.Filter.Q, Segment: p.Filter.Segment, Page: quotient.Page{Limit: 200}}
	if p.Filter.Owner == "me" {
		f.OwnerID = p.User.ID
	}
	accs, err := w.app.Accounts(ctx, f)
	if err != nil {
		return w.fail(c, p, err)
	}
	owner := w.ownerNames(ctx)
	for _, a := range accs {
		p.Accounts = append(p.Accounts, accountRow{ID: a.ID, Name: a.Name, Owner: owner(a.OwnerID), Segment: a.Segment, Currency: a.Currency})
	}
	return w.render(c, 200, "accounts", p)
}

// accountView is the account 360.
type accountView struct {
	Name, Owner, Segment, Terms string
	Money                       bool // the reader works the account: its money shows
	AR, Overdue, Credit         string
	Cases, Contacts             []string
	Opportunities               []struct{ Name, Stage, Close, Amount string }
	Orders                      []struct{ ID, Number, Status, Backordered, Total string }
	Invoices                    []struct{ Number, Status, Due, Total, Open string }
}

// account360 is everything about a customer a rep needs before a call:
// contacts and opportunities for everyone; receivables, credit, open
// cases, quotes, orders with backorders and invoices for those who work
// the account (the API's reach, through the same use cases).
func (w *Web) account360(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := signedIn(c, "Account", "accounts")
	id := c.Params("id")
	acc, err := w.app.Account(ctx, id)
	if err != nil {
		return w.fail(c, p, err)
	}
	v := &accountView{Name: acc.Name, Owner: w.ownerNames(ctx)(acc.OwnerID), Segment: acc.Segment, Terms: acc.PaymentTerms}
	cons, err := w.app.Contacts(ctx, crm.ContactFilter{AccountID: id, Page: quotient.Page{Limit: 100}})
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, x := range cons {
		line := x.Name
		if x.Title != "" {
			line += ", " + x.Title
		}
		if x.Email != "" {
			line += " <" + x.Email + ">"
		}
		v.Contacts = append(v.Contacts, line)
	}
	opps, err := w.app.Opportunities(ctx, crm.OpportunityFilter{AccountID: id, Page: quotient.Page{Limit: 100}})
	if err != nil {
		return w.fail(c, p, err)
	}
	for _, o := range opps {
		v.Opportunities = append(v.Opportunities, struct{ Name, Stage, Close, Amount string }{o.Name, string(o.Stage), o.CloseDate.String(),
			document.Money(o.Amount, o.Currency)})
	}
	sum, err := w.app.AccountSummary(ctx, id)
	switch {
	case quotient.ErrorCode(err) == quotient.NotFound:
		// Outside the reader's reach: no money, quotes, orders or invoices.
	case err != nil:
		return w.fail(c, p, err)
	default:
		cur, _ := quotient.LookupCurrency(acc.Currency)
		m := func(n int64) string { return document.Money(cur.FromMinor(n), acc.Currency) }
		v.Money, v.AR, v.Overdue, v.Credit = true, m(sum.Exposure.Balance), m(sum.Exposure.Receivables.Overdue), "no limit"
		if sum.Exposure.Available != nil {
			v.Credit = m(*sum.Exposure.Available)
		}
		for _, cs := range sum.OpenCases {
			v.Cases = append(v.Cases, cs.Subject)
		}
		qs, err := w.app.Quotes(ctx, quote.Filter{AccountID: id, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		if p.Quotes, err = w.rows(ctx, qs); err != nil {
			return w.fail(c, p, err)
		}
		os, err := w.app.Orders(ctx, order.Filter{AccountID: id, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		waiting := map[string][]string{} // order id → "2 × SKU" still backordered
		for _, b := range sum.Activity.Backorders {
			waiting[b.OrderID] = append(waiting[b.OrderID], b.Quantity.Decimal().String()+" × "+b.SKU)
		}
		for _, o := range os {
			v.Orders = append(v.Orders, struct{ ID, Number, Status, Backordered, Total string }{o.ID, o.Number, label(string(o.Shown())),
				strings.Join(waiting[o.ID], ", "), document.Money(o.Total, o.Currency)})
		}
		invs, err := w.app.Invoices(ctx, billing.InvoiceFilter{AccountID: id, Page: quotient.Page{Limit: 50}})
		if err != nil {
			return w.fail(c, p, err)
		}
		for _, inv := range invs {
			v.Invoices = append(v.Invoices, struct{ Number, Status, Due, Total, Open string }{inv.Number, inv.Status, inv.DueDate.String(), m(inv.Total), m(inv.AmountDue)})
		}
	}
	p.Title, p.Account = acc.Name, v
	return w.render(c, 200, "account360", p)
}

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
			StatusLabel: label(string(st)), Date: quotient.DateOf(o.CreatedAt).String(), Total: document.Money(o.Total, o.Currency)})
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
	v := &orderView{orderRow: orderRow{ID: o.ID, Number: o.Number, Account: acc.Name, Status: string(st), StatusLabel: label(string(st)),
		Date: quotient.DateOf(o.CreatedAt).String(), Total: document.Money(o.Total, o.Currency)}, QuoteID: o.QuoteID, Quote: q.Quote.Number, Hold: o.HoldReason}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, struct{ SKU, Name, Ordered, Reserved, Shipped, Back, Net string }{l.SKU, l.Name, l.Quantity.Decimal().String(),
			l.Reserved.Decimal().String(), l.Fulfilled.Decimal().String(), l.Backordered().Decimal().String(), document.Money(l.NetAmount, o.Currency)})
	}
	p.Title, p.Order = "Order "+o.Number, v
	return w.render(c, 200, "order", p)
}

// label is a status as a page shows it: "partially_fulfilled" reads
// "Partially fulfilled".
func label(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ")
}
