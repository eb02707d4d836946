package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/valyala/fasthttp/fasthttpadaptor"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/quote"
)

// route is one endpoint: how it is routed and how it is documented.
type route struct {
	method  string
	path    string // OpenAPI form, e.g. /api/v1/accounts/{id}
	tag     string
	summary string
	req     any  // request body type (zero value), nil when none
	resp    any  // response body type; the element type for lists
	alt     any  // another response body type the operation may answer (oneOf)
	list    bool // responds with {"data": [...], "next_cursor"}
	status  int  // success status
	query   []string
	public  bool   // no token needed
	raw     string // a non-JSON response media type
	handler fiber.Handler
}

// add registers a route on the app and remembers it for OpenAPI.
func (s *Server) add(r route) {
	if r.status == 0 {
		r.status = 200
	}
	s.routes = append(s.routes, r)
	fp := strings.NewReplacer("{", ":", "}", "").Replace(r.path)
	h := r.handler
	wrapped := func(c *fiber.Ctx) error {
		c.Locals("route", r.path)
		return h(c)
	}
	s.fiber.Add(r.method, fp, wrapped)
}

func (s *Server) systemRoutes(reg *prometheus.Registry) {
	metricsHandler := fasthttpadaptor.NewFastHTTPHandler(promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	s.add(route{method: "GET", path: "/healthz", tag: "system", summary: "The process is up", public: true,
		resp: Health{}, handler: func(c *fiber.Ctx) error {
			return send(c, 200, 0, Health{Status: "ok", Version: s.version})
		}})
	s.add(route{method: "GET", path: "/readyz", tag: "system", summary: "The database answers and its migrations are current", public: true,
		resp: Health{}, handler: s.readyz})
	s.add(route{method: "GET", path: "/metrics", tag: "system", summary: "Prometheus metrics", public: true,
		raw: "text/plain", handler: func(c *fiber.Ctx) error {
			metricsHandler(c.Context())
			return nil
		}})
}

// Health is the body of /healthz and /readyz.
type Health struct {
	Status  string `json:"status"`
	Version string `json:"version,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

func (s *Server) readyz(c *fiber.Ctx) error {
	ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return send(c, 503, 0, Health{Status: "unavailable", Detail: "database unreachable"})
	}
	cur, latest, err := s.store.MigrationStatus(ctx)
	if err != nil {
		return send(c, 503, 0, Health{Status: "unavailable", Detail: "cannot read the migration status"})
	}
	if cur != latest {
		return send(c, 503, 0, Health{Status: "unavailable", Detail: "database schema is not current; run quotient migrate"})
	}
	return send(c, 200, 0, Health{Status: "ok", Version: s.version})
}

const v1 = "/api/v1"

func (s *Server) apiRoutes(_ fiber.Router) {
	s.add(route{method: "GET", path: v1 + "/openapi.json", tag: "system", summary: "This API's OpenAPI 3.1 description",
		public: true, raw: "application/json", handler: s.openAPI})
	s.add(route{method: "GET", path: "/api/docs", tag: "system", summary: "The API reference, rendered from openapi.json",
		public: true, raw: "text/html", handler: s.apiDocs})
	s.add(route{method: "GET", path: "/api/docs/redoc.standalone.js", tag: "system", summary: "The reference page's script",
		public: true, raw: "text/javascript", handler: s.apiDocsScript})

	s.add(route{method: "GET", path: v1 + "/settings", tag: "system", summary: "The organisation's settings: the company as documents print it, its registration number, who reads quotes", resp: SettingsJSON{}, handler: s.getSettings()})
	s.add(route{method: "PATCH", path: v1 + "/settings", tag: "system", summary: "Change the organisation's settings (admins)", req: SettingsRequest{}, resp: SettingsJSON{}, handler: s.patchSettings()})
	s.add(route{method: "GET", path: v1 + "/me", tag: "users", summary: "The signed-in user", resp: UserJSON{}, handler: s.me()})
	s.add(route{method: "PATCH", path: v1 + "/me", tag: "users", summary: "Change what a user sets for themselves: their locale (language and formats)", req: MeRequest{}, resp: UserJSON{}, handler: s.patchMe()})
	s.add(route{method: "GET", path: v1 + "/users", tag: "users", summary: "List users", resp: UserJSON{}, list: true,
		query: userFilters, handler: s.listUsers()})
	s.add(route{method: "POST", path: v1 + "/users", tag: "users", summary: "Create a user (admin)", req: UserRequest{}, resp: UserJSON{}, status: 201, handler: s.createUser()})
	s.add(route{method: "GET", path: v1 + "/users/{id}", tag: "users", summary: "Get a user", resp: UserJSON{}, handler: s.getUser()})
	s.add(route{method: "PATCH", path: v1 + "/users/{id}", tag: "users", summary: "Change a user (admin)", req: UserRequest{}, resp: UserJSON{}, handler: s.patchUser()})
	s.add(route{method: "DELETE", path: v1 + "/users/{id}", tag: "users", summary: "Deactivate a user and revoke their tokens (admin)", resp: UserJSON{}, handler: s.deactivateUser()})
	s.add(route{method: "POST", path: v1 + "/users/{id}/invitation", tag: "users", summary: "E-mail a user a one-time link into the workspace: an invitation, or a reset (admin)", resp: InvitationJSON{}, handler: s.inviteUser()})
	s.add(route{method: "GET", path: v1 + "/users/{id}/tokens", tag: "users", summary: "List a user's API tokens (never their secrets)", resp: TokenJSON{}, list: true, handler: s.listTokens()})
	s.add(route{method: "GET", path: v1 + "/users/{id}/performance", tag: "users", summary: "A rep's month (period=yyyy-mm, currency; this month in USD by default): quota, bookings, invoiced, paid, attainment, commissions, weighted pipeline, win rate", resp: PerformanceJSON{}, query: performanceQuery, handler: s.userPerformance()})
	s.add(route{method: "POST", path: v1 + "/tokens", tag: "users", summary: "Create an API token for a user (admin); the secret is shown once", req: TokenRequest{}, resp: TokenJSON{}, status: 201, handler: s.createToken()})
	s.add(route{method: "DELETE", path: v1 + "/tokens/{id}", tag: "users", summary: "Revoke an API token (admin)", status: 204, handler: s.revokeToken()})

	s.add(route{method: "GET", path: v1 + "/accounts", tag: "accounts", summary: "List accounts", resp: AccountJSON{}, list: true,
		query: accountFilters, handler: s.listAccounts()})
	s.add(route{method: "POST", path: v1 + "/accounts", tag: "accounts", summary: "Create an account", req: AccountRequest{}, resp: AccountJSON{}, status: 201, handler: s.createAccount()})
	s.add(route{method: "GET", path: v1 + "/accounts/{id}", tag: "accounts", summary: "Get an account", resp: AccountJSON{}, handler: s.getAccount()})
	s.add(route{method: "PATCH", path: v1 + "/accounts/{id}", tag: "accounts", summary: "Change an account (credit_limit, payment_terms and invoicing_policy: finance and admins only)", req: AccountRequest{}, resp: AccountJSON{}, handler: s.patchAccount()})
	s.add(route{method: "GET", path: v1 + "/accounts/{id}/team", tag: "accounts", summary: "The account's team: who works it besides its owner", resp: TeamMemberJSON{}, list: true, handler: s.accountTeam()})
	s.add(route{method: "POST", path: v1 + "/accounts/{id}/team", tag: "accounts", summary: "Put a user on the account's team, or change their role there", req: TeamMemberRequest{}, resp: TeamMemberJSON{}, status: 201, handler: s.addTeamMember()})
	s.add(route{method: "DELETE", path: v1 + "/accounts/{id}/team/{user_id}", tag: "accounts", summary: "Take a user off the account's team", status: 204, handler: s.removeTeamMember()})
	s.add(route{method: "GET", path: v1 + "/accounts/{id}/history", tag: "accounts", summary: "Every change of an account, field by field: who, when, before and after", resp: AccountChangeJSON{}, list: true, handler: s.accountHistory()})
	s.add(route{method: "DELETE", path: v1 + "/accounts/{id}", tag: "accounts", summary: "Delete an account that has no opportunities", status: 204, handler: s.deleteAccount()})
	s.add(route{method: "GET", path: v1 + "/accounts/{id}/summary", tag: "accounts", summary: "The account 360: open quotes and orders, AR balance, overdue amount, credit limit and credit available, lifetime revenue", resp: AccountSummaryJSON{}, handler: s.accountSummary()})
	s.add(route{method: "GET", path: v1 + "/accounts/{id}/contacts", tag: "contacts", summary: "List an account's contacts", resp: ContactJSON{}, list: true, query: contactFilters, handler: s.listContacts()})
	s.add(route{method: "POST", path: v1 + "/accounts/{id}/contacts", tag: "contacts", summary: "Add a contact to an account", req: ContactRequest{}, resp: ContactJSON{}, status: 201, handler: s.createContact()})
	s.add(route{method: "GET", path: v1 + "/accounts/{id}/contacts/{contact_id}", tag: "contacts", summary: "Get a contact", resp: ContactJSON{}, handler: s.getContact()})
	s.add(route{method: "PATCH", path: v1 + "/accounts/{id}/contacts/{contact_id}", tag: "contacts", summary: "Change a contact", req: ContactRequest{}, resp: ContactJSON{}, handler: s.patchContact()})
	s.add(route{method: "DELETE", path: v1 + "/accounts/{id}/contacts/{contact_id}", tag: "contacts", summary: "Delete a contact", status: 204, handler: s.deleteContact()})

	s.add(route{method: "GET", path: v1 + "/cases", tag: "cases", summary: "List support cases", resp: CaseJSON{}, list: true, query: caseFilter, handler: s.listCases()})
	s.add(route{method: "POST", path: v1 + "/cases", tag: "cases", summary: "Open a support case on an account (not finance)", req: CaseRequest{}, resp: CaseJSON{}, status: 201, handler: s.createCase()})
	s.add(route{method: "GET", path: v1 + "/cases/{id}", tag: "cases", summary: "Get a support case", resp: CaseJSON{}, handler: s.getCase()})
	s.add(route{method: "PATCH", path: v1 + "/cases/{id}", tag: "cases", summary: "Change a support case; closing it records when", req: CaseRequest{}, resp: CaseJSON{}, handler: s.patchCase()})
	s.add(route{method: "GET", path: v1 + "/opportunities", tag: "opportunities", summary: "List opportunities", resp: OpportunityJSON{}, list: true,
		query: opportunityFilters, handler: s.listOpportunities()})
	s.add(route{method: "POST", path: v1 + "/opportunities", tag: "opportunities", summary: "Create an opportunity", req: OpportunityRequest{}, resp: OpportunityJSON{}, status: 201, handler: s.createOpportunity()})
	s.add(route{method: "GET", path: v1 + "/opportunities/{id}", tag: "opportunities", summary: "Get an opportunity", resp: OpportunityJSON{}, handler: s.getOpportunity()})
	s.add(route{method: "PATCH", path: v1 + "/opportunities/{id}", tag: "opportunities", summary: "Change an opportunity (closed ones: admin only)", req: OpportunityRequest{}, resp: OpportunityJSON{}, handler: s.patchOpportunity()})
	s.add(route{method: "DELETE", path: v1 + "/opportunities/{id}", tag: "opportunities", summary: "Delete an opportunity that is not won", status: 204, handler: s.deleteOpportunity()})

	s.add(route{method: "GET", path: v1 + "/products", tag: "products", summary: "List products", resp: ProductJSON{}, list: true,
		query: productFilters, handler: s.listProducts()})
	s.add(route{method: "POST", path: v1 + "/products", tag: "products", summary: "Create a product or bundle (admin)", req: ProductRequest{}, resp: ProductJSON{}, status: 201, handler: s.createProduct()})
	s.add(route{method: "GET", path: v1 + "/products/{id}", tag: "products", summary: "Get a product", resp: ProductJSON{}, handler: s.getProduct()})
	s.add(route{method: "PATCH", path: v1 + "/products/{id}", tag: "products", summary: "Change a product (admin)", req: ProductRequest{}, resp: ProductJSON{}, handler: s.patchProduct()})
	s.add(route{method: "DELETE", path: v1 + "/products/{id}", tag: "products", summary: "Delete an unused product (204), or deactivate one a bundle or document refers to (200)", resp: ProductJSON{}, handler: s.deleteProduct()})

	s.add(route{method: "GET", path: v1 + "/price-books", tag: "price-books", summary: "List price books", resp: PriceBookJSON{}, list: true,
		query: priceBookFilters, handler: s.listPriceBooks()})
	s.add(route{method: "POST", path: v1 + "/price-books", tag: "price-books", summary: "Create a price book (admin)", req: PriceBookRequest{}, resp: PriceBookJSON{}, status: 201, handler: s.createPriceBook()})
	s.add(route{method: "GET", path: v1 + "/price-books/{id}", tag: "price-books", summary: "Get a price book", resp: PriceBookJSON{}, handler: s.getPriceBook()})
	s.add(route{method: "PATCH", path: v1 + "/price-books/{id}", tag: "price-books", summary: "Change a price book (admin)", req: PriceBookRequest{}, resp: PriceBookJSON{}, handler: s.patchPriceBook()})
	s.add(route{method: "DELETE", path: v1 + "/price-books/{id}", tag: "price-books", summary: "Delete a price book and its entries (admin)", status: 204, handler: s.deletePriceBook()})
	s.add(route{method: "GET", path: v1 + "/price-books/{id}/entries", tag: "price-books", summary: "List a price book's entries", resp: EntryJSON{}, list: true, query: entryFilters, handler: s.listEntries()})
	s.add(route{method: "POST", path: v1 + "/price-books/{id}/entries", tag: "price-books", summary: "Price a product in a price book (admin)", req: EntryRequest{}, resp: EntryJSON{}, status: 201, handler: s.createEntry()})
	s.add(route{method: "GET", path: v1 + "/price-books/{id}/entries/{entry_id}", tag: "price-books", summary: "Get a price-book entry", resp: EntryJSON{}, handler: s.getEntry()})
	s.add(route{method: "PATCH", path: v1 + "/price-books/{id}/entries/{entry_id}", tag: "price-books", summary: "Change a price-book entry (admin)", req: EntryRequest{}, resp: EntryJSON{}, handler: s.patchEntry()})
	s.add(route{method: "DELETE", path: v1 + "/price-books/{id}/entries/{entry_id}", tag: "price-books", summary: "Delete a price-book entry (admin)", status: 204, handler: s.deleteEntry()})

	s.add(route{method: "GET", path: v1 + "/discount-schedules", tag: "pricing", summary: "List volume discount schedules", resp: ScheduleJSON{}, list: true, handler: s.listSchedules()})
	s.add(route{method: "POST", path: v1 + "/discount-schedules", tag: "pricing", summary: "Create a volume discount schedule (admin); tiers [from, to) must be contiguous", req: ScheduleRequest{}, resp: ScheduleJSON{}, status: 201, handler: s.createSchedule()})
	s.add(route{method: "GET", path: v1 + "/discount-schedules/{id}", tag: "pricing", summary: "Get a discount schedule", resp: ScheduleJSON{}, handler: s.getSchedule()})
	s.add(route{method: "PATCH", path: v1 + "/discount-schedules/{id}", tag: "pricing", summary: "Change a discount schedule (admin)", req: ScheduleRequest{}, resp: ScheduleJSON{}, handler: s.patchSchedule()})
	s.add(route{method: "DELETE", path: v1 + "/discount-schedules/{id}", tag: "pricing", summary: "Delete a discount schedule (admin)", status: 204, handler: s.deleteSchedule()})

	s.add(route{method: "GET", path: v1 + "/price-rules", tag: "pricing", summary: "List price rules", resp: PriceRuleJSON{}, list: true, handler: s.listPriceRules()})
	s.add(route{method: "POST", path: v1 + "/price-rules", tag: "pricing", summary: "Create a price rule (admin); its expressions are compiled and type-checked now", req: PriceRuleRequest{}, resp: PriceRuleJSON{}, status: 201, handler: s.createPriceRule()})
	s.add(route{method: "POST", path: v1 + "/price-rules/check", tag: "pricing", summary: "Lint the rulebook: rules that can never match, conflicting non-stackable pairs", resp: CheckJSON{}, handler: s.checkPriceRules()})
	s.add(route{method: "GET", path: v1 + "/price-rules/{id}", tag: "pricing", summary: "Get a price rule", resp: PriceRuleJSON{}, handler: s.getPriceRule()})
	s.add(route{method: "GET", path: v1 + "/price-rules/{id}/versions", tag: "pricing", summary: "Every version of a price rule", resp: PriceRuleJSON{}, list: true, handler: s.priceRuleVersions()})
	s.add(route{method: "PATCH", path: v1 + "/price-rules/{id}", tag: "pricing", summary: "Change a price rule, making a new version (admin)", req: PriceRuleRequest{}, resp: PriceRuleJSON{}, handler: s.patchPriceRule()})
	s.add(route{method: "DELETE", path: v1 + "/price-rules/{id}", tag: "pricing", summary: "Delete a price rule; its versions stay (admin)", status: 204, handler: s.deletePriceRule()})

	s.add(route{method: "GET", path: v1 + "/tax-rates", tag: "pricing", summary: "List tax rates", resp: TaxRateJSON{}, list: true, handler: s.listTaxRates()})
	s.add(route{method: "POST", path: v1 + "/tax-rates", tag: "pricing", summary: "Create a tax rate for a region and tax category (admin, finance)", req: TaxRateRequest{}, resp: TaxRateJSON{}, status: 201, handler: s.createTaxRate()})
	s.add(route{method: "GET", path: v1 + "/tax-rates/{id}", tag: "pricing", summary: "Get a tax rate", resp: TaxRateJSON{}, handler: s.getTaxRate()})
	s.add(route{method: "PATCH", path: v1 + "/tax-rates/{id}", tag: "pricing", summary: "Change a tax rate (admin, finance)", req: TaxRateRequest{}, resp: TaxRateJSON{}, handler: s.patchTaxRate()})
	s.add(route{method: "DELETE", path: v1 + "/tax-rates/{id}", tag: "pricing", summary: "Delete a tax rate (admin, finance)", status: 204, handler: s.deleteTaxRate()})

	s.add(route{method: "POST", path: v1 + "/pricing/preview", tag: "pricing", summary: "Price lines for an account with the full trace; saves nothing", req: PreviewRequest{}, resp: PricingJSON{}, handler: s.preview()})

	s.add(route{method: "GET", path: v1 + "/products/{id}/rules", tag: "products", summary: "List a product's configuration rules", resp: ConfigRuleJSON{}, list: true, handler: s.listConfigRules()})
	s.add(route{method: "POST", path: v1 + "/products/{id}/rules", tag: "products", summary: "Add a configuration rule (validation, alert, selection, filter) to a product (admin)", req: ConfigRuleRequest{}, resp: ConfigRuleJSON{}, status: 201, handler: s.createConfigRule()})
	s.add(route{method: "GET", path: v1 + "/products/{id}/rules/{rule_id}", tag: "products", summary: "Get a configuration rule", resp: ConfigRuleJSON{}, handler: s.getConfigRule()})
	s.add(route{method: "PATCH", path: v1 + "/products/{id}/rules/{rule_id}", tag: "products", summary: "Change a configuration rule (admin)", req: ConfigRuleRequest{}, resp: ConfigRuleJSON{}, handler: s.patchConfigRule()})
	s.add(route{method: "DELETE", path: v1 + "/products/{id}/rules/{rule_id}", tag: "products", summary: "Delete a configuration rule (admin)", status: 204, handler: s.deleteConfigRule()})
	s.add(route{method: "POST", path: v1 + "/products/{id}/configure", tag: "products", summary: "Check a configuration: validity, errors and warnings with their rules, allowed options, price deltas", req: ConfigureRequest{}, resp: ConfigurationJSON{}, handler: s.configure()})

	s.add(route{method: "GET", path: v1 + "/quotes", tag: "quotes", summary: "List quotes (current versions, without lines)", resp: QuoteJSON{}, list: true, query: quoteFilters, handler: s.listQuotes()})
	s.add(route{method: "POST", path: v1 + "/quotes", tag: "quotes", summary: "Create a quote from an opportunity or for an account, priced now as draft version 1", req: QuoteRequest{}, resp: QuoteJSON{}, status: 201, handler: s.createQuote()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}", tag: "quotes", summary: "Get a quote's current version (or ?version=N) with priced lines and traces", resp: QuoteJSON{}, query: []string{"version"}, handler: s.getQuote()})
	s.add(route{method: "PATCH", path: v1 + "/quotes/{id}", tag: "quotes", summary: "Change a draft and re-price it; lines replace every line", req: QuoteRequest{}, resp: QuoteJSON{}, handler: s.patchQuote()})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/price", tag: "quotes", summary: "Re-price a draft with today's prices and rulebook", resp: QuoteJSON{}, handler: s.quoteAction(s.app.RepriceQuote)})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/revise", tag: "quotes", summary: "Make version n+1 a new draft; the current version becomes read-only", resp: QuoteJSON{}, handler: s.quoteAction(s.app.ReviseQuote)})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/submit", tag: "quotes", summary: "Submit a draft: approved, or pending_approval with one request per matching approval rule", resp: SubmissionJSON{}, handler: s.submission(func(ctx context.Context, c *fiber.Ctx) (app.Submission, error) {
		return s.app.SubmitQuote(ctx, c.Params("id"))
	})})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/approve", tag: "quotes", summary: "Approve the pending requests you are the approver of (never your own quote)", req: DecisionRequest{}, resp: SubmissionJSON{}, handler: s.decide(quote.Approve)})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/reject", tag: "quotes", summary: "Reject a pending request with a comment; the version goes back to draft", req: DecisionRequest{}, resp: SubmissionJSON{}, handler: s.decide(quote.Reject)})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/send", tag: "quotes", summary: "Send an approved version: PDF kept with its SHA-256, signed portal link, e-mail through the outbox", req: SendRequest{}, resp: SentQuoteJSON{}, handler: s.sendQuote()})
	s.add(route{method: "POST", path: v1 + "/quotes/{id}/convert", tag: "quotes", summary: "Record an offline signature: an approved or sent quote becomes accepted on the customer's behalf and its order is made in the same transaction (201; 200 with the same order on a repeat)", req: ConvertRequest{}, resp: OrderJSON{}, status: 201, handler: s.convertQuote()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}/delivery", tag: "quotes", summary: "The current version's send record, e-mail deliveries (with failures) and the customer's decision", resp: SentQuoteJSON{}, handler: s.quoteDelivery()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}/pdf", tag: "quotes", summary: "The quote as a PDF (current version, or ?version=N)", query: []string{"version"}, raw: "application/pdf", handler: s.quotePDF()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}/versions", tag: "quotes", summary: "Every version of a quote", resp: QuoteJSON{}, list: true, handler: s.quoteVersions()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}/diff", tag: "quotes", summary: "Lines added, removed and changed between two versions, with the pricing steps that changed", resp: DiffJSON{}, query: []string{"from", "to"}, handler: s.quoteDiff()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}/history", tag: "quotes", summary: "Every event of a quote: who, when, what, why", resp: EventJSON{}, list: true, handler: s.quoteHistory()})
	s.add(route{method: "GET", path: v1 + "/quotes/{id}/approvals", tag: "quotes", summary: "The approval requests of the current version (or ?version=N)", resp: ApprovalRequestJSON{}, list: true, query: []string{"version"}, handler: s.quoteApprovals()})

	s.add(route{method: "GET", path: v1 + "/approval-rules", tag: "quotes", summary: "List approval rules", resp: ApprovalRuleJSON{}, list: true, handler: s.listApprovalRules()})
	s.add(route{method: "POST", path: v1 + "/approval-rules", tag: "quotes", summary: "Create an approval rule (admin); its condition is compiled now", req: ApprovalRuleRequest{}, resp: ApprovalRuleJSON{}, status: 201, handler: s.createApprovalRule()})
	s.add(route{method: "GET", path: v1 + "/approval-rules/{id}", tag: "quotes", summary: "Get an approval rule", resp: ApprovalRuleJSON{}, handler: s.getApprovalRule()})
	s.add(route{method: "PATCH", path: v1 + "/approval-rules/{id}", tag: "quotes", summary: "Change an approval rule (admin)", req: ApprovalRuleRequest{}, resp: ApprovalRuleJSON{}, handler: s.patchApprovalRule()})
	s.add(route{method: "DELETE", path: v1 + "/approval-rules/{id}", tag: "quotes", summary: "Delete an approval rule (admin)", status: 204, handler: s.deleteApprovalRule()})

	s.add(route{method: "GET", path: "/portal/quotes/{token}", tag: "portal", summary: "The customer's page for a sent quote (HTML; works without JavaScript)", public: true, raw: "text/html", handler: s.portalView()})
	s.add(route{method: "GET", path: "/portal/quotes/{token}/pdf", tag: "portal", summary: "The PDF the customer was sent", public: true, raw: "application/pdf", handler: s.portalPDF()})
	s.add(route{method: "POST", path: "/portal/quotes/{token}/accept", tag: "portal", summary: "Accept (HTML form or JSON: signer_name, signer_email, accept)", public: true, req: PortalDecision{}, resp: DecisionJSON{}, handler: s.portalAccept()})
	s.add(route{method: "POST", path: "/portal/quotes/{token}/reject", tag: "portal", summary: "Decline with a reason (HTML form or JSON)", public: true, req: PortalDecision{}, resp: DecisionJSON{}, handler: s.portalDecline()})

	s.add(route{method: "GET", path: v1 + "/warehouses", tag: "inventory", summary: "List warehouses", resp: WarehouseJSON{}, list: true, handler: s.listWarehouses()})
	s.add(route{method: "POST", path: v1 + "/warehouses", tag: "inventory", summary: "Create a warehouse (admin)", req: WarehouseRequest{}, resp: WarehouseJSON{}, status: 201, handler: s.createWarehouse()})
	s.add(route{method: "GET", path: v1 + "/warehouses/{id}", tag: "inventory", summary: "Get a warehouse", resp: WarehouseJSON{}, handler: s.getWarehouse()})
	s.add(route{method: "PATCH", path: v1 + "/warehouses/{id}", tag: "inventory", summary: "Change a warehouse (admin)", req: WarehouseRequest{}, resp: WarehouseJSON{}, handler: s.patchWarehouse()})
	s.add(route{method: "GET", path: v1 + "/inventory", tag: "inventory", summary: "Stock per product and warehouse: on_hand, reserved, available", resp: LevelJSON{}, list: true, query: inventoryFilter, handler: s.listLevels()})
	s.add(route{method: "GET", path: v1 + "/inventory/movements", tag: "inventory", summary: "Stock movements, oldest first", resp: MovementJSON{}, list: true, query: inventoryFilter, handler: s.listMovements()})
	s.add(route{method: "POST", path: v1 + "/inventory/receipts", tag: "inventory", summary: "Receive goods into a warehouse (admin)", req: ReceiptRequest{}, resp: ReceiptJSON{}, status: 201, handler: s.receive()})
	s.add(route{method: "POST", path: v1 + "/inventory/adjustments", tag: "inventory", summary: "Correct stock by a signed quantity with a reason; never below what is reserved (admin)", req: AdjustmentRequest{}, resp: MovementJSON{}, status: 201, handler: s.adjust()})
	s.add(route{method: "GET", path: v1 + "/orders", tag: "orders", summary: "List sales orders (headers)", resp: OrderJSON{}, list: true, query: orderFilter, handler: s.listOrders()})
	s.add(route{method: "GET", path: v1 + "/orders/{id}", tag: "orders", summary: "Get an order with its lines: ordered, reserved, shipped, backordered", resp: OrderJSON{}, handler: s.getOrder()})
	s.add(route{method: "POST", path: v1 + "/orders/{id}/fulfillments", tag: "orders", summary: "Ship reserved quantities from one warehouse (admin); more than is reserved for a line there is 409", req: FulfillmentRequest{}, resp: FulfillmentJSON{}, status: 201, handler: s.fulfillOrder()})
	s.add(route{method: "GET", path: v1 + "/orders/{id}/fulfillments", tag: "orders", summary: "An order's shipments", resp: ShipmentJSON{}, list: true, handler: s.listShipments()})
	s.add(route{method: "POST", path: v1 + "/orders/{id}/cancel", tag: "orders", summary: "Cancel what has not shipped and release its reservations; a fulfilled order is 409", req: CancelRequest{}, resp: OrderJSON{}, handler: s.cancelOrder()})
	s.add(route{method: "POST", path: v1 + "/orders/{id}/release", tag: "orders", summary: "Release an order held by credit control (finance): it reserves its stock and invoices what is invoiceable on order", resp: OrderJSON{}, handler: s.releaseOrder()})
	s.add(route{method: "POST", path: v1 + "/orders/{id}/invoice", tag: "billing", summary: "Invoice what the order has that is invoiceable now (shipped goods, or everything for on_order accounts; services on order) and post it; nothing to invoice is 409", resp: InvoiceJSON{}, status: 201, handler: s.invoiceOrder()})
	s.add(route{method: "GET", path: v1 + "/invoices", tag: "billing", summary: "List invoices (headers)", resp: InvoiceJSON{}, list: true, query: invoiceFilter, handler: s.listInvoices()})
	s.add(route{method: "GET", path: v1 + "/invoices/{id}", tag: "billing", summary: "Get an invoice with its lines and tax per rate", resp: InvoiceJSON{}, handler: s.getInvoice()})
	s.add(route{method: "GET", path: v1 + "/invoices/{id}/pdf", tag: "billing", summary: "The invoice as a PDF in the quote's style", raw: "application/pdf", handler: s.invoicePDF()})
	s.add(route{method: "POST", path: v1 + "/bank-statements", tag: "billing", summary: "Import a bank statement (CSV with a column mapping, or camt.053) and match its lines (finance)", req: BankStatementRequest{}, resp: BankStatementJSON{}, status: 201, handler: s.importBankStatement()})
	s.add(route{method: "GET", path: v1 + "/bank-statements", tag: "billing", summary: "Imported bank statements, newest first", resp: BankStatementJSON{}, list: true, handler: s.listBankStatements()})
	s.add(route{method: "GET", path: v1 + "/bank-statements/{id}", tag: "billing", summary: "A bank statement with its lines, matches and proposals, and its closing balance beside the ledger's", resp: BankStatementJSON{}, handler: s.getBankStatement()})
	s.add(route{method: "POST", path: v1 + "/bank-statements/{id}/lines/{line_id}/confirm", tag: "billing", summary: "Confirm a line's match, or record the payment it is (finance)", req: BankConfirmRequest{}, resp: BankStatementJSON{}, handler: bankLineAction(BankConfirmRequest.input, s.app.ConfirmBankLine)})
	s.add(route{method: "POST", path: v1 + "/bank-statements/{id}/lines/{line_id}/ignore", tag: "billing", summary: "Set a line aside as not a customer payment, with a reason (finance)", req: BankIgnoreRequest{}, resp: BankStatementJSON{}, handler: bankLineAction(BankIgnoreRequest.input, s.app.IgnoreBankLine)})
	s.add(route{method: "POST", path: v1 + "/bank-statements/{id}/lines/{line_id}/split", tag: "billing", summary: "Split a line into parts that add up to it, each matched again (finance)", req: BankSplitRequest{}, resp: BankStatementJSON{}, handler: bankLineAction(BankSplitRequest.input, s.app.SplitBankLine)})
	s.add(route{method: "POST", path: v1 + "/payments", tag: "billing", summary: "Record a payment (finance): explicit allocations or oldest due first; early-payment discounts; the rest stays as customer credit", req: PaymentRequest{}, resp: PaymentJSON{}, status: 201, handler: s.receivePayment()})
	s.add(route{method: "GET", path: v1 + "/payments", tag: "billing", summary: "List payments", resp: PaymentJSON{}, list: true, query: []string{"account_id"}, handler: s.listPayments()})
	s.add(route{method: "GET", path: v1 + "/payments/{id}", tag: "billing", summary: "Get a payment with its allocations", resp: PaymentJSON{}, handler: s.getPayment()})
	s.add(route{method: "POST", path: v1 + "/payments/{id}/allocations", tag: "billing", summary: "Apply a payment's credit to open invoices (finance)", req: CreditAllocationRequest{}, resp: PaymentJSON{}, handler: s.allocateCredit()})
	s.add(route{method: "POST", path: v1 + "/credit-notes", tag: "billing", summary: "Credit an invoice by lines or a gross amount with a reason (finance): never more than it charged less earlier credits; lowers what it owes, the rest becomes customer credit; posts the reverse of its revenue and tax", req: CreditNoteRequest{}, resp: CreditNoteJSON{}, status: 201, handler: s.issueCreditNote()})
	s.add(route{method: "GET", path: v1 + "/credit-notes", tag: "billing", summary: "List credit notes (headers)", resp: CreditNoteJSON{}, list: true, query: creditNoteFilter, handler: s.listCreditNotes()})
	s.add(route{method: "GET", path: v1 + "/credit-notes/{id}", tag: "billing", summary: "Get a credit note with its lines and where its credit went", resp: CreditNoteJSON{}, handler: s.getCreditNote()})
	s.add(route{method: "POST", path: v1 + "/credit-notes/{id}/allocations", tag: "billing", summary: "Apply a credit note's remaining credit to open invoices (finance)", req: CreditAllocationRequest{}, resp: CreditNoteJSON{}, handler: s.allocateCreditNote()})
	s.add(route{method: "GET", path: v1 + "/dunning-levels", tag: "billing", summary: "Dunning levels: reminders by days overdue", resp: DunningLevelJSON{}, list: true, handler: s.listDunningLevels()})
	s.add(route{method: "POST", path: v1 + "/dunning-levels", tag: "billing", summary: "Add a dunning level (finance): level, name, days_overdue, subject and body templates", req: DunningLevelRequest{}, resp: DunningLevelJSON{}, status: 201, handler: s.createDunningLevel()})
	s.add(route{method: "GET", path: v1 + "/dunning-levels/{id}", tag: "billing", summary: "Get a dunning level", resp: DunningLevelJSON{}, handler: s.getDunningLevel()})
	s.add(route{method: "PATCH", path: v1 + "/dunning-levels/{id}", tag: "billing", summary: "Change or deactivate a dunning level (finance)", req: DunningLevelRequest{}, resp: DunningLevelJSON{}, handler: s.patchDunningLevel()})
	s.add(route{method: "GET", path: v1 + "/dunning/next", tag: "billing", summary: "What the next dunning run sends today (finance): nothing is sent", resp: DunningPreviewJSON{}, handler: s.nextDunning()})
	s.add(route{method: "POST", path: v1 + "/dunning/run", tag: "billing", summary: "Send the reminders due now (finance); the daily worker does this once a day", resp: DunningRunJSON{}, handler: s.runDunning()})
	s.add(route{method: "GET", path: v1 + "/commission-plans", tag: "commissions", summary: "List commission plans", resp: CommissionPlanJSON{}, list: true, handler: s.listCommissionPlans()})
	s.add(route{method: "POST", path: v1 + "/commission-plans", tag: "commissions", summary: "Create a commission plan (finance): basis invoiced or paid, base rate, rules (first match replaces the base rate) and exclusions compiled now", req: CommissionPlanRequest{}, resp: CommissionPlanJSON{}, status: 201, handler: s.createCommissionPlan()})
	s.add(route{method: "GET", path: v1 + "/commission-plans/{id}", tag: "commissions", summary: "Get a commission plan", resp: CommissionPlanJSON{}, handler: s.getCommissionPlan()})
	s.add(route{method: "PATCH", path: v1 + "/commission-plans/{id}", tag: "commissions", summary: "Change a commission plan (finance); what was accrued stays", req: CommissionPlanRequest{}, resp: CommissionPlanJSON{}, handler: s.patchCommissionPlan()})
	s.add(route{method: "GET", path: v1 + "/commission-plans/{id}/assignments", tag: "commissions", summary: "A plan's assignments", resp: AssignmentJSON{}, list: true, handler: s.listAssignments()})
	s.add(route{method: "POST", path: v1 + "/commission-plans/{id}/assignments", tag: "commissions", summary: "Put a user on a plan from a date, with a monthly quota (finance)", req: AssignmentRequest{}, resp: AssignmentJSON{}, status: 201, handler: s.assignPlan()})
	s.add(route{method: "GET", path: v1 + "/opportunities/{id}/splits", tag: "commissions", summary: "An opportunity's credit splits (none: the order's owner earns it all)", resp: SplitsJSON{}, handler: s.getSplits()})
	s.add(route{method: "PUT", path: v1 + "/opportunities/{id}/splits", tag: "commissions", summary: "Split an opportunity's credit between reps by percent; the shares add up to 100", req: SplitsRequest{}, resp: SplitsJSON{}, handler: s.putSplits()})
	s.add(route{method: "GET", path: v1 + "/commissions", tag: "commissions", summary: "Commission lines (a rep their own, a manager their team's, finance all)", resp: CommissionLineJSON{}, list: true, query: commissionFilter, handler: s.listCommissions()})
	s.add(route{method: "POST", path: v1 + "/commissions/recalculate", tag: "commissions", summary: "Recompute a month's commission under the plans as they are now (finance) and post only the differences", req: RecalculateRequest{}, resp: RecalculationJSON{}, handler: s.recalculateCommissions()})
	s.add(route{method: "GET", path: v1 + "/commissions/statements/{user_id}/{period}", tag: "commissions", summary: "A rep's commission statement for a month (yyyy-mm): lines, totals, payouts; CSV with Accept: text/csv", resp: CommissionStatementJSON{}, handler: s.commissionStatement()})
	s.add(route{method: "POST", path: v1 + "/commissions/statements/{user_id}/{period}/pay", tag: "commissions", summary: "Pay what is payable on a statement (finance): commissions payable against cash", resp: PayoutsJSON{}, handler: s.payCommissionStatement()})
	s.add(route{method: "GET", path: v1 + "/contracts", tag: "subscriptions", summary: "List contracts (headers, with their MRR today)", resp: ContractJSON{}, list: true, query: contractFilter, handler: s.listContracts()})
	s.add(route{method: "GET", path: v1 + "/contracts/{id}", tag: "subscriptions", summary: "Get a contract with its subscriptions, invoiced periods and invoices", resp: ContractJSON{}, handler: s.getContract()})
	s.add(route{method: "PATCH", path: v1 + "/contracts/{id}", tag: "subscriptions", summary: "Change a contract's renewal uplift, renewal lead days, invoice lead days and whether it credits reductions", req: ContractPatchRequest{}, resp: ContractJSON{}, handler: s.patchContract()})
	s.add(route{method: "POST", path: v1 + "/contracts/{id}/amend", tag: "subscriptions", summary: "Start an amendment quote of a contract, effective today or on effective_date", req: AmendRequest{}, resp: QuoteJSON{}, status: 201, handler: s.amendContract()})
	s.add(route{method: "POST", path: v1 + "/contracts/{id}/renew", tag: "subscriptions", summary: "Make a contract's renewal quote now, at its prices raised by the renewal uplift", resp: QuoteJSON{}, status: 201, handler: s.renewContract()})
	s.add(route{method: "POST", path: v1 + "/contracts/{id}/cancel", tag: "subscriptions", summary: "Cancel a contract from an effective date", req: ContractCancelRequest{}, resp: ContractJSON{}, handler: s.cancelContract()})
	s.add(route{method: "GET", path: v1 + "/reservations", tag: "orders", summary: "Stock held for an order, by line and warehouse (order_id required)", resp: ReservationJSON{}, list: true, query: []string{"order_id"}, handler: s.listReservations()})
	s.add(route{method: "GET", path: v1 + "/exchange-rates", tag: "ledger", summary: "List exchange rates (currency, base_currency, from, to)", resp: ExchangeRateJSON{}, list: true, handler: s.listExchangeRates()})
	s.add(route{method: "POST", path: v1 + "/exchange-rates", tag: "ledger", summary: "Record an exchange rate (finance, admin)", req: ExchangeRateRequest{}, resp: ExchangeRateJSON{}, status: 201, handler: s.createExchangeRate()})
	s.add(route{method: "GET", path: v1 + "/exchange-rates/effective", tag: "ledger", summary: "The rate that holds for a currency on a date: the latest on or before it", resp: EffectiveRateJSON{}, handler: s.effectiveRate()})
	s.add(route{method: "GET", path: v1 + "/exchange-rates/{id}", tag: "ledger", summary: "Get an exchange rate", resp: ExchangeRateJSON{}, handler: s.getExchangeRate()})
	s.add(route{method: "PATCH", path: v1 + "/exchange-rates/{id}", tag: "ledger", summary: "Change an exchange rate's date or rate (finance, admin)", req: ExchangeRateRequest{}, resp: ExchangeRateJSON{}, handler: s.patchExchangeRate()})
	s.add(route{method: "DELETE", path: v1 + "/exchange-rates/{id}", tag: "ledger", summary: "Delete an exchange rate (finance, admin)", status: 204, handler: s.deleteExchangeRate()})
	s.add(route{method: "GET", path: v1 + "/ledger/accounts", tag: "ledger", summary: "The chart of accounts, by code (finance, admin, managers)", resp: LedgerAccountJSON{}, list: true, handler: s.listLedgerAccounts()})
	s.add(route{method: "POST", path: v1 + "/ledger/accounts", tag: "ledger", summary: "Add an account to the chart (finance)", req: LedgerAccountRequest{}, resp: LedgerAccountJSON{}, status: 201, handler: s.createLedgerAccount()})
	s.add(route{method: "GET", path: v1 + "/ledger/accounts/{code}", tag: "ledger", summary: "Get an account", resp: LedgerAccountJSON{}, handler: s.getLedgerAccount()})
	s.add(route{method: "PATCH", path: v1 + "/ledger/accounts/{code}", tag: "ledger", summary: "Rename an account, set its product family, (de)activate it (finance)", req: LedgerAccountRequest{}, resp: LedgerAccountJSON{}, handler: s.patchLedgerAccount()})
	s.add(route{method: "GET", path: v1 + "/ledger/accounts/{code}/ledger", tag: "ledger", summary: "An account's postings in a currency with opening, running and closing balance; CSV with Accept: text/csv", resp: AccountLedgerJSON{}, query: []string{"currency", "from", "to"}, handler: s.accountLedger()})
	s.add(route{method: "GET", path: v1 + "/ledger/entries", tag: "ledger", summary: "Journal entries in posting order", resp: JournalEntryJSON{}, list: true, query: []string{"source_type", "source_id", "from", "to"}, handler: s.listJournalEntries()})
	s.add(route{method: "POST", path: v1 + "/ledger/entries", tag: "ledger", summary: "Post a balanced entry (finance); unbalanced is 422, a closed period 409, a source posted before 409", req: JournalEntryRequest{}, resp: JournalEntryJSON{}, status: 201, handler: s.postJournalEntry()})
	s.add(route{method: "GET", path: v1 + "/ledger/entries/{id}", tag: "ledger", summary: "Get an entry", resp: JournalEntryJSON{}, handler: s.getJournalEntry()})
	s.add(route{method: "POST", path: v1 + "/ledger/entries/{id}/reverse", tag: "ledger", summary: "Post the reversal of an entry, once (finance)", req: ReverseRequest{}, resp: JournalEntryJSON{}, status: 201, handler: s.reverseJournalEntry()})
	s.add(route{method: "GET", path: v1 + "/ledger/periods/{period}", tag: "ledger", summary: "A month's status and its closes and reopens", resp: PeriodJSON{}, handler: s.getPeriod()})
	s.add(route{method: "GET", path: v1 + "/close/{period}", tag: "ledger", summary: "A month's close checklist, computed from the data", resp: CloseJSON{}, handler: s.closeChecklist()})
	s.add(route{method: "GET", path: v1 + "/ledger/periods/{period}/revaluation", tag: "ledger", summary: "What revaluing a month's foreign-currency receivables posts, or posted", resp: RevaluationsJSON{}, handler: s.revaluation()})
	s.add(route{method: "POST", path: v1 + "/ledger/periods/{period}/revalue", tag: "ledger", summary: "Revalue a month's foreign-currency receivables at its end, reversed on the next month's first day (finance)", resp: RevaluationsJSON{}, handler: s.revalue()})
	s.add(route{method: "POST", path: v1 + "/ledger/years/{year}/close", tag: "ledger", summary: "Close a finished year's revenue and expenses to retained earnings (finance)", resp: YearCloseJSON{}, handler: s.closeYear()})
	s.add(route{method: "POST", path: v1 + "/ledger/periods/{period}/close", tag: "ledger", summary: "Close a month (YYYY-MM) to postings (finance)", req: PeriodRequest{}, resp: PeriodJSON{}, handler: s.closePeriod()})
	s.add(route{method: "POST", path: v1 + "/ledger/periods/{period}/reopen", tag: "ledger", summary: "Reopen a closed month with a reason (admin); logged", req: PeriodRequest{}, resp: PeriodJSON{}, handler: s.setPeriod(s.app.ReopenPeriod)})
	s.add(route{method: "GET", path: v1 + "/admin/check", tag: "system", summary: "Verify the invariants: the ledger balances per currency and per entry; stock equals its movements and reservations (admin, finance)", resp: InvariantReportJSON{}, handler: s.adminCheck()})
	s.add(route{method: "POST", path: v1 + "/accounts/{id}/statement/email", tag: "reports", summary: "E-mail an account its statement of account, the PDF attached (finance)", req: StatementEmailRequest{}, resp: StatementEmailJSON{}, status: 202, handler: s.emailStatement()})
	s.add(route{method: "GET", path: v1 + "/reports/customer-statement", tag: "reports", summary: "A customer's statement of account: opening balance, invoices, credit notes, payments and discounts with the running balance, closing balance, open invoices aged; CSV with Accept: text/csv, PDF with Accept: application/pdf", resp: StatementJSON{}, alt: StatementReportJSON{}, query: statementQuery, handler: s.customerStatement()})
	s.add(route{method: "GET", path: v1 + "/reports/ar-reconciliation", tag: "reports", summary: "Per currency, the AR aging's total beside the AR account's balance on a date; any difference is 409 naming it; CSV with Accept: text/csv", resp: ReconciliationJSON{}, query: []string{"as_of"}, handler: s.arReconciliation()})
	s.add(route{method: "GET", path: v1 + "/reports/subscription-metrics", tag: "reports", summary: "MRR month by month with its new, expansion, contraction and churn, ARR, net and gross revenue retention and the renewal rate (managers, finance, admins); CSV with Accept: text/csv", resp: SubscriptionMetricsJSON{}, query: kpiQuery, handler: s.subscriptionMetrics()})
	s.add(route{method: "GET", path: v1 + "/reports/revenue-schedule", tag: "reports", summary: "The revenue recognition waterfall: by month and currency, what the schedules recognise and what is posted; CSV with Accept: text/csv", resp: RevenueScheduleJSON{}, query: kpiQuery, handler: s.revenueSchedule()})
	s.add(route{method: "GET", path: v1 + "/reports/kpis", tag: "reports", summary: "Bookings, win rate, average discount, quote-to-order conversion, days to acceptance, DSO, customer lifetime value and acquisition cost of a period (managers, finance, admins); CSV with Accept: text/csv", resp: KPIJSON{}, query: kpiQuery, handler: s.kpis()})
	s.add(route{method: "GET", path: v1 + "/reports/ar-aging", tag: "reports", summary: "Open receivables on a date by days past due, per account and total: of the currency named, or of every currency in sections; CSV with Accept: text/csv", resp: AgingJSON{}, alt: AgingReportJSON{}, query: []string{"as_of", "currency"}, handler: s.arAging()})
	s.add(route{method: "GET", path: v1 + "/reports/income-statement", tag: "reports", summary: "Income statement for a period: of the currency named, or of every currency; CSV with Accept: text/csv, PDF with Accept: application/pdf", resp: IncomeStatementJSON{}, alt: IncomeStatementsJSON{}, query: []string{"from", "to", "currency", "compare"}, handler: s.incomeStatement()})
	s.add(route{method: "GET", path: v1 + "/reports/balance-sheet", tag: "reports", summary: "Balance sheet as of a date: of the currency named, or of every currency; CSV with Accept: text/csv, PDF with Accept: application/pdf", resp: BalanceSheetJSON{}, alt: BalanceSheetsJSON{}, query: []string{"as_of", "currency", "compare"}, handler: s.balanceSheet()})
	s.add(route{method: "GET", path: v1 + "/reports/trial-balance", tag: "reports", summary: "Trial balance as of a date: of the currency named, or of every currency in sections; CSV with Accept: text/csv", resp: TrialBalanceJSON{}, alt: TrialBalanceReportJSON{}, query: []string{"as_of", "currency"}, handler: s.trialBalance()})
}
