package apptest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/app/appdb"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
	"github.com/quotient-cpq/quotient/store"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// Clock is a clock the test moves.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now is the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// Today is the clock's date.
func (c *Clock) Today() quotient.Date { return quotient.DateOf(c.Now()) }

// World is a running Quotient and the company in it.
type World struct {
	DB       *store.DB
	App      *app.App
	Services app.Services
	Clock    *Clock
	// Contexts signed in as each role; Rep reports to Manager, Rep2 too.
	System, Admin, Manager, Rep, Rep2, Finance context.Context
	Users                                      map[string]crm.User // by role name: admin, manager, rep, rep2, finance
	Book                                       catalog.PriceBook
	Warehouse                                  inventory.Warehouse
	// Products by SKU: HW (a stocked good, cost 60, price 100, hardware),
	// SVC (a service, cost 20, price 50, services), FEE (a service, price
	// 10, family fees).
	Products map[string]catalog.Product
}

// Start is the day every world begins on: mid-month, so a few weeks stay
// within it.
var Start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Each runs fn on a fresh world on every database.
func Each(t *testing.T, fn func(t *testing.T, w *World)) {
	storetest.Each(t, func(t *testing.T, url string) { fn(t, New(t, url)) })
}

// New builds a world over a fresh database.
func New(t testing.TB, url string) *World {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := &World{DB: db, Clock: &Clock{t: Start}, Users: map[string]crm.User{}, Products: map[string]catalog.Product{}}
	w.Services = app.NewServices(w.Clock.Now, billing.DefaultGraceDays)
	if err := db.InTx(ctx, func(tx *store.Tx) error { return w.Services.Ledger.SeedChart(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	w.App = app.New(app.Config{DB: appdb.DB{DB: db}, Services: w.Services, Now: w.Clock.Now, Secret: []byte("apptest-secret-0123456789"),
		PublicURL: "http://127.0.0.1:1"})
	w.System = app.System(ctx)
	w.Admin = w.user(t, "admin", crm.UserInput{Name: "Ada Admin", Email: "ada@example.com", Role: quotient.RoleAdmin})
	w.Manager = w.user(t, "manager", crm.UserInput{Name: "Max Manager", Email: "max@example.com", Role: quotient.RoleSalesManager})
	w.Rep = w.user(t, "rep", crm.UserInput{Name: "Rita Rep", Email: "rita@example.com", Role: quotient.RoleSalesRep, ManagerID: w.Users["manager"].ID,
		Quota: decimal.NewFromInt(3000), QuotaPeriod: "month"})
	w.Rep2 = w.user(t, "rep2", crm.UserInput{Name: "Ray Rep", Email: "ray@example.com", Role: quotient.RoleSalesRep, ManagerID: w.Users["manager"].ID,
		Quota: decimal.NewFromInt(3000), QuotaPeriod: "month"})
	w.Finance = w.user(t, "finance", crm.UserInput{Name: "Fay Finance", Email: "fay@example.com", Role: quotient.RoleFinance})

	w.Book = Must(w.App.CreatePriceBook(w.Admin, catalog.PriceBookInput{Name: "USD list", Currency: "USD", IsDefault: true}))(t)
	yes, no := true, false
	for _, p := range []struct {
		in    catalog.ProductInput
		price string
	}{
		{catalog.ProductInput{SKU: "HW", Name: "Server", Family: "hardware", Kind: catalog.KindGood, UOM: "each", UnitCost: D("60"), TaxCategory: "standard",
			TrackInventory: &yes}, "100"},
		{catalog.ProductInput{SKU: "SVC", Name: "Installation", Family: "services", Kind: catalog.KindService, UOM: "hour", UnitCost: D("20"),
			TaxCategory: "standard", TrackInventory: &no}, "50"},
		{catalog.ProductInput{SKU: "FEE", Name: "Freight", Family: "fees", Kind: catalog.KindService, UOM: "each", UnitCost: D("0"), TaxCategory: "standard",
			TrackInventory: &no}, "10"},
	} {
		made := Must(w.App.CreateProduct(w.Admin, p.in))(t)
		Must(w.App.CreateEntry(w.Admin, w.Book.ID, catalog.EntryInput{ProductID: made.ID, UnitPrice: D(p.price)}))(t)
		w.Products[made.SKU] = made
	}
	Must(w.App.CreateTaxRate(w.Admin, pricing.TaxRate{Region: "US-CA", TaxCategory: "standard", RatePct: D("10"), Name: "CA sales tax"}))(t)
	w.Warehouse = Must(w.App.CreateWarehouse(w.Admin, inventory.Warehouse{Code: "W1", Name: "Main", Priority: 1}))(t)
	return w
}

// user creates a user of a role and returns a context signed in as them,
// as the API's authentication would make it (with their team).
func (w *World) user(t testing.TB, key string, in crm.UserInput) context.Context {
	t.Helper()
	u := Must(w.App.CreateUser(w.System, in))(t)
	w.Users[key] = u
	tok := Must(w.App.CreateToken(w.System, u.ID, "test"))(t)
	actor := Must(w.App.Authenticate(context.Background(), tok.Secret))(t)
	return quotient.WithActor(context.Background(), actor)
}

// AccountInput is an account the rep owns in USD, taxed in US-CA, net 30,
// invoiced on fulfillment, without a credit limit; change what a test
// needs.
func (w *World) AccountInput(name string) crm.AccountInput {
	return crm.AccountInput{Name: name, Currency: "USD", Segment: "mid_market", PaymentTerms: "net_30", InvoicingPolicy: crm.OnFulfillment,
		TaxRegion: "US-CA", OwnerID: w.Users["rep"].ID, BillingAddress: crm.Address{Line1: "1 Main St", City: "Oakland", Country: "US"}}
}

// Account creates an account as the admin.
func (w *World) Account(t testing.TB, in crm.AccountInput) crm.Account {
	t.Helper()
	return Must(w.App.CreateAccount(w.Admin, in))(t)
}

// Line is a quote line of a product by SKU.
func (w *World) Line(sku, qty string) quote.Line {
	return quote.Line{ProductID: w.Products[sku].ID, Quantity: D(qty)}
}

// ApprovedQuote makes a quote for an account as the rep, optionally from
// an opportunity, and submits it (no approval rule: approved at once).
func (w *World) ApprovedQuote(t testing.TB, in quote.Input) app.QuoteVersion {
	t.Helper()
	q := Must(w.App.CreateQuote(w.Rep, in))(t)
	s := Must(w.App.SubmitQuote(w.Rep, q.Quote.ID))(t)
	if s.Version.Status != quote.Approved {
		t.Fatalf("quote %s is %s after submit, want approved", q.Quote.Number, s.Version.Status)
	}
	return s.QuoteVersion
}

// Order accepts an approved quote on the customer's behalf (the rep) and
// returns its order.
func (w *World) Order(t testing.TB, in quote.Input) order.Order {
	t.Helper()
	q := w.ApprovedQuote(t, in)
	return Must(w.App.ConvertQuote(w.Rep, q.Quote.ID, quote.ConvertInput{SignerName: "Pat Buyer", Reason: "signed on paper"}))(t).Order
}

// Receive books units of a product into the warehouse at a unit cost.
func (w *World) Receive(t testing.TB, sku, qty, cost string) {
	t.Helper()
	c := D(cost)
	Must(w.App.ReceiveStock(w.Admin, inventory.ReceiptInput{WarehouseID: w.Warehouse.ID, Reference: "PO-" + sku,
		Lines: []inventory.ReceiptLine{{ProductID: w.Products[sku].ID, Quantity: D(qty), UnitCost: &c}}}))(t)
}

// D is a decimal from a string.
func D(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// Must returns a function that fails t on err and otherwise returns v:
// Must(w.App.Account(ctx, id))(t).
func Must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}
