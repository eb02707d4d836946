package web

import (
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/document"
	"github.com/quotient-cpq/quotient/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/app.css
var appCSS []byte

//go:embed assets/app.js
var appJS []byte

//go:embed assets/htmx/htmx.min.js
var htmxJS []byte

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
	pages  map[i18n.Lang]map[string]*template.Template
	asks   *throttle // link requests per address
	tries  *throttle // password sign-ins per address
}

// Mount adds the workspace's routes to r.
func Mount(r fiber.Router, cfg Config) *Web {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	w := &Web{app: cfg.App, secure: strings.HasPrefix(cfg.PublicURL, "https://"), log: cfg.Logger, pages: map[i18n.Lang]map[string]*template.Template{},
		asks:  &throttle{limit: 10, window: 15 * time.Minute, seen: map[string][]time.Time{}},
		tries: &throttle{limit: 20, window: 15 * time.Minute, seen: map[string][]time.Time{}}}
	// The templates are parsed once per language, each with the
	// catalog's words of that language as its "t" and "label".
	for _, lang := range []i18n.Lang{i18n.English, i18n.Japanese} {
		w.pages[lang] = map[string]*template.Template{}
		for _, p := range pageNames {
			w.pages[lang][p] = template.Must(template.New(p).Funcs(funcs).Funcs(words(lang)).ParseFS(templateFiles, "templates/layout.html", "templates/"+p+".html"))
		}
	}
	// The Japanese font the documents embed, as a web font: pages name it
	// with a unicode-range, so only pages with Japanese text fetch it, and
	// Japanese renders on machines without Japanese fonts.
	r.Get("/assets/ipaexg.ttf", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, "font/ttf")
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return c.Send(document.JapaneseFont())
	})
	asset := func(path, contentType string, body []byte) {
		r.Get(path, func(c *fiber.Ctx) error {
			c.Set(fiber.HeaderContentType, contentType)
			c.Set(fiber.HeaderCacheControl, "public, max-age=3600")
			return c.Send(body)
		})
	}
	asset("/assets/app.css", "text/css; charset=utf-8", appCSS)
	asset("/assets/app.js", "text/javascript; charset=utf-8", appJS)
	asset("/assets/htmx.min.js", "text/javascript; charset=utf-8", htmxJS)
	// Each route names its pattern for the request log and metrics, and
	// the signed-in ones resolve the session first (per route, so that
	// the API's own 404s stay problem JSON).
	add := func(method, path string, hs ...fiber.Handler) {
		named := func(c *fiber.Ctx) error { c.Locals("route", path); c.Locals("locale", nil); return c.Next() }
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
	add("POST", "/account/locale", w.session, w.csrf, w.setLocale)
	add("POST", "/account/sessions/revoke", w.session, w.csrf, w.revokeSessions)
	add("GET", "/users", w.session, w.users)
	add("POST", "/users/:id/sessions/revoke", w.session, w.csrf, w.endSessions)
	add("GET", "/accounts", w.session, w.accounts)
	add("GET", "/accounts/new", w.session, w.newAccount)
	add("POST", "/accounts", w.session, w.csrf, w.saveAccount)
	add("GET", "/accounts/:id", w.session, w.account360)
	add("GET", "/accounts/:id/edit", w.session, w.editAccount)
	add("POST", "/accounts/:id", w.session, w.csrf, w.saveAccount)
	add("POST", "/accounts/:id/contacts", w.session, w.csrf, w.addContact)
	add("POST", "/accounts/:id/contacts/:contact", w.session, w.csrf, w.editContact)
	add("POST", "/accounts/:id/opportunities", w.session, w.csrf, w.addOpportunity)
	add("POST", "/accounts/:id/opportunities/:opp", w.session, w.csrf, w.editOpportunity)
	add("GET", "/orders", w.session, w.orders)
	add("GET", "/orders/:id", w.session, w.order)
	add("GET", "/contracts", w.session, w.contracts)
	add("GET", "/contracts/:id", w.session, w.contractShown)
	add("POST", "/contracts/:id/amend", w.session, w.csrf, w.amendContract)
	add("POST", "/contracts/:id/renew", w.session, w.csrf, w.renewContract)
	add("POST", "/contracts/:id/cancel", w.session, w.csrf, w.cancelContract)
	add("POST", "/contracts/:id/terms", w.session, w.csrf, w.contractTerms)
	add("GET", "/subscriptions", w.session, w.subscriptionMetrics)
	add("GET", "/subscriptions.csv", w.session, w.metricsCSV)
	add("GET", "/approvals", w.session, w.approvals)
	add("POST", "/approvals/:id", w.session, w.csrf, w.decide)
	add("GET", "/", w.session, w.home)
	add("POST", "/opportunities/:id/stage", w.session, w.csrf, w.moveStage)
	add("POST", "/opportunities/:id/quotes", w.session, w.csrf, w.newQuote)
	add("GET", "/quotes", w.session, w.quoteList)
	add("GET", "/quotes/:id", w.session, w.quote)
	add("GET", "/quotes/:id/pdf", w.session, w.quotePDF)
	add("GET", "/quotes/:id/products", w.session, w.products)
	add("GET", "/quotes/:id/diff", w.session, w.diff)
	add("POST", "/quotes/:id/lines", w.session, w.csrf, w.addLine)
	add("POST", "/quotes/:id/lines/:n", w.session, w.csrf, w.editLine)
	add("POST", "/quotes/:id/lines/:n/remove", w.session, w.csrf, w.removeLine)
	add("GET", "/quotes/:id/lines/:n/configure", w.session, w.configure)
	add("POST", "/quotes/:id/lines/:n/configure", w.session, w.csrf, w.reconfigure)
	add("POST", "/quotes/:id/header", w.session, w.csrf, w.header)
	add("POST", "/quotes/:id/submit", w.session, w.csrf, w.submit)
	add("POST", "/quotes/:id/revise", w.session, w.csrf, w.revise)
	add("POST", "/quotes/:id/send", w.session, w.csrf, w.send)
	add("GET", "/receivables", w.session, w.receivables)
	add("GET", "/payments/new", w.session, w.paymentForm)
	add("POST", "/payments", w.session, w.csrf, w.recordPayment)
	add("GET", "/bank", w.session, w.bank)
	add("POST", "/bank", w.session, w.csrf, w.importStatement)
	add("GET", "/bank/:id", w.session, w.bankStatement)
	add("POST", "/bank/:id/lines/:line/:action", w.session, w.csrf, w.lineAction)
	add("GET", "/close", w.session, w.closeDefault)
	add("GET", "/close/:period", w.session, w.closePage)
	add("POST", "/close/:period/:action", w.session, w.csrf, w.closeAction)
	add("GET", "/statements", w.session, w.statements)
	add("GET", "/ledger/accounts/:code", w.session, w.accountLedger)
	add("GET", "/invoices/:id", w.session, w.invoice)
	add("GET", "/invoices/:id/pdf", w.session, w.invoicePDF)
	add("POST", "/invoices/:id/credit", w.session, w.csrf, w.creditInvoice)
	add("POST", "/invoices/:id/statement", w.session, w.csrf, w.emailStatement)
	add("GET", "/receivables/holds", w.session, w.holds)
	add("GET", "/receivables/dunning", w.session, w.dunning)
	add("POST", "/receivables/dunning", w.session, w.csrf, w.runDunning)
	add("POST", "/receivables/holds/:id/release", w.session, w.csrf, w.release)
	add("GET", "/commissions", w.session, w.commissions)
	add("GET", "/commissions/payroll.csv", w.session, w.payroll)
	add("POST", "/commissions/recalculate", w.session, w.csrf, w.recalculate)
	add("GET", "/commissions/:user/:period", w.session, w.repStatement)
	add("GET", "/commissions/:user/:period/pdf", w.session, w.commissionPDF)
	add("POST", "/commissions/:user/:period/pay", w.session, w.csrf, w.payRep)
	add("GET", "/ledger", w.session, w.chart)
	add("GET", "/ledger/trial-balance", w.session, w.trialBalance)
	add("GET", "/ledger/entries", w.session, w.journal)
	add("GET", "/ledger/entries/new", w.session, w.newEntry)
	add("POST", "/ledger/entries", w.session, w.csrf, w.postEntry)
	add("POST", "/ledger/entries/:id/reverse", w.session, w.csrf, w.reverseEntry)
	add("GET", "/ledger/exchange-rates", w.session, w.rates)
	add("POST", "/ledger/exchange-rates", w.session, w.csrf, w.addRate)
	return w
}

// pageNames are the templates of the pages, each parsed with the layout.
var pageNames = []string{"signin", "redeem", "home", "quote", "error", "account", "code", "approvals", "accounts", "account360", "orders", "order", "configure", "diff", "quotes", "users", "accountform",
	"receivables", "payment", "bank", "bankstatement", "close", "statements", "ledgeraccount", "ledger", "trialbalance", "journal", "entry", "rates", "invoice", "holds", "commissions", "commission", "dunning", "contracts", "contract", "subscriptions"}

// words are a language's template helpers: t says a message of the
// catalog, label a status or code ("partially_fulfilled") in words.
func words(lang i18n.Lang) template.FuncMap {
	return template.FuncMap{
		"t":     lang.T,
		"label": func(s string) string { return lang.T(label(s)) },
	}
}

// funcs are the templates' helpers.
var funcs = template.FuncMap{
	"lower":   strings.ToLower,
	"join":    strings.Join,
	"inc":     func(n int) int { return n + 1 },
	"finance": func(r quotient.Role) bool { return mayFinance(r) },
	"list":    func(ss ...string) []string { return ss },
	// pair passes a map and a key to a template: a form's errors and
	// the field whose error it shows.
	"pair": func(a map[string]string, b string) struct {
		A map[string]string
		B string
	} {
		return struct {
			A map[string]string
			B string
		}{a, b}
	},
	// field hands an account form's field to its template.
	"field": func(v *accountView, what, name, label, typ string) accountField {
		return accountField{V: v, What: what, Name: name, Label: label, Type: typ}
	},
	"pick": func(v *accountView, what, name, label string, opts []choice) accountField {
		return accountField{V: v, What: what, Name: name, Label: label, Options: opts}
	},
	// plain and oob hand a quote to the figures and totals, in the page
	// or as htmx out-of-band swaps.
	"plain": func(q *quoteView) quotePart { return quotePart{Q: q} },
	"oob":   func(q *quoteView) quotePart { return quotePart{Q: q, OOB: true} },
}

// accountField is one field of a form on the account 360.
type accountField struct {
	V                       *accountView
	What, Name, Label, Type string
	Options                 []choice // a select's
}

// quotePart is a quote for a part of its page, swapped out of band or not.
type quotePart struct {
	Q   *quoteView
	OOB bool
}

// page is what every page template gets.
type page struct {
	Loc             i18n.Locale
	Title, Nav      string
	User            *crm.User
	CSRF            string
	Message         string
	IsError         bool
	Email, Link     string
	Next            string // where a sign-in leads afterwards
	Heading         string
	Quotes, Waiting []quoteRow
	Quote           *quoteView
	Setup           app.SecondFactorSetup
	KeyQR           template.HTML // the setup's otpauth address, to scan
	Required        bool
	Requests        []approvalView
	Filter          struct{ Q, Owner, Segment string }
	Segments        []string // the quotes list's statuses
	SegmentChoices  []choice
	MayCreate       bool
	Accounts        []accountRow
	Account         *accountView
	Orders          []orderRow
	Order           *orderView
	Month           *monthView
	Pipeline        []pipelineRow
	Columns         []pipelineColumn
	PipelineTotals  []struct{ Currency, Amount, Weighted string }
	Stages          []string
	Diff            *diffView
	Users           []userRow
	Admin           bool
	Config          *configView
	Locales         []i18n.Option
	// Data is a finance page's own view (receivables, bank, close,
	// statements); its template knows the type.
	Data any
}

// T is a message of the catalog in the page's language.
func (p page) T(id string, args ...any) string { return p.Loc.T(id, args...) }

func (w *Web) render(c *fiber.Ctx, status int, name string, p page) error {
	if p.Loc.Tag == "" {
		p.Loc = localeOf(c)
	}
	var b strings.Builder
	if err := w.pages[p.Loc.Lang][name].ExecuteTemplate(&b, "layout", p); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "no-store")
	// Addresses stay on this site (a sign-in link is a credential), and
	// the browser still says where a form came from (Origin), which
	// no-referrer would make "null".
	c.Set(fiber.HeaderReferrerPolicy, "same-origin")
	c.Set(fiber.HeaderContentSecurityPolicy, pagePolicy)
	c.Set(fiber.HeaderContentLanguage, string(p.Loc.Lang))
	c.Vary(fiber.HeaderAcceptLanguage)
	return c.Status(status).SendString(b.String())
}

// localeOf is a request's locale: the signed-in user's setting, else
// the browser's language (Accept-Language), else English.
func localeOf(c *fiber.Ctx) i18n.Locale {
	if l, ok := c.Locals("locale").(i18n.Locale); ok {
		return l
	}
	setting := ""
	if u, ok := c.Locals("user").(*crm.User); ok && u != nil {
		setting = u.Locale
	}
	l := i18n.Negotiate(setting, c.Get(fiber.HeaderAcceptLanguage))
	c.Locals("locale", l)
	return l
}

// anon is the page of a request before anyone signed in.
func anon(c *fiber.Ctx, title string) page {
	loc := localeOf(c)
	return page{Loc: loc, Title: loc.T(title)}
}

// pagePolicy lets the workspace's pages run their own two scripts (htmx
// and app.js, served from here) and nothing else: no inline script, no
// eval, nothing from another site.
const pagePolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// fail renders an error as a page: the status the API would answer, in
// words; a failure of the server itself is logged, never shown.
func (w *Web) fail(c *fiber.Ctx, p page, err error) error {
	if p.Loc.Tag == "" {
		p.Loc = localeOf(c)
	}
	status, heading, msg := 500, p.T("Something went wrong"), p.T("The server could not do this; the request id in its log says why.")
	var qe *quotient.Error
	if errors.As(err, &qe) {
		switch qe.Code {
		case quotient.NotFound:
			status, heading, msg = 404, p.T("Not found"), p.T("There is nothing here, or nothing you may see.")
		case quotient.Forbidden:
			status, heading, msg = 403, p.T("Not allowed"), p.Loc.Error(qe)
		case quotient.Unavailable:
			status, heading, msg = 503, p.T("Please try again shortly"), p.T("The database is unavailable for a moment.")
			c.Set(fiber.HeaderRetryAfter, "5")
		case quotient.Internal:
		default:
			status, heading, msg = 400, p.T("That did not work"), p.Loc.Error(qe)
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
		// A session that ended (idle, past its limit, revoked) says so on
		// the sign-in page, which leads back here afterwards; its cookie
		// goes.
		to, back := "/signin?next=", c.OriginalURL()
		if c.Cookies(SessionCookie) != "" {
			c.ClearCookie(SessionCookie)
			to = "/signin?ended=1&next="
		}
		if htmx(c) {
			// htmx follows HX-Redirect whatever the status: the person
			// lands on the sign-in page, not on a fragment that did nothing.
			if u, err := url.Parse(c.Get("HX-Current-URL")); err == nil && u.Path != "" {
				back = u.RequestURI()
			}
			c.Set("HX-Redirect", to+url.QueryEscape(localPath(back)))
			return c.SendStatus(fiber.StatusUnauthorized)
		}
		if c.Method() != fiber.MethodGet {
			return w.fail(c, page{}, quotient.Errorf(quotient.Forbidden, "your session ended; sign in again"))
		}
		return c.Redirect(to+url.QueryEscape(back), fiber.StatusSeeOther)
	}
	ctx = quotient.WithActor(ctx, act)
	c.SetUserContext(ctx)
	// Until the session proves its second factor it opens only the code
	// page and sign-out.
	if !ses.SecondFactor && c.Path() != "/signin/code" && c.Path() != "/signout" {
		if c.Method() != fiber.MethodGet {
			return w.fail(c, page{}, quotient.Errorf(quotient.Forbidden, "enter the code of your second factor first"))
		}
		return c.Redirect("/signin/code?next="+url.QueryEscape(localPath(c.OriginalURL())), fiber.StatusSeeOther)
	}
	u, err := w.app.Me(ctx)
	if err != nil {
		return w.fail(c, page{}, err)
	}
	c.Locals("user", &u)
	c.Locals("session", ses)
	c.Locals("locale", nil) // the user's setting decides from here on
	return c.Next()
}

// signedIn is the page of a request the session middleware let through.
func signedIn(c *fiber.Ctx, title, nav string) page {
	u, _ := c.Locals("user").(*crm.User)
	ses, _ := c.Locals("session").(crm.Session)
	loc := localeOf(c)
	return page{Loc: loc, Title: loc.T(title), Nav: nav, User: u, CSRF: ses.CSRF}
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

// label is a status as a page shows it: "partially_fulfilled" reads
// "Partially fulfilled".
func label(s string) string {
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + strings.ReplaceAll(s[1:], "_", " ")
}
