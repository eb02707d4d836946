package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/contract"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/outbox"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
	"github.com/quotient-cpq/quotient/revenue"
)

// Tx is one database transaction serving every domain package, so a use
// case that spans several commits or rolls back as one.
type Tx interface {
	crm.PasswordStore
	crm.CaseStore
	catalog.Store
	pricing.Store
	quote.SendStore
	quote.SummaryStore
	inventory.Store
	order.Store
	order.SummaryStore
	ledger.Store
	ledger.RateStore
	billing.CreditStore
	billing.ControlStore
	billing.DunningStore
	billing.StatementStore
	billing.SummaryStore
	billing.AuditStore
	billing.BankStore
	commission.AccrueStore
	commission.PerformanceStore
	commission.KPIStore
	commission.UserStore
	commission.StatementStore
	commission.AuditStore
	outbox.Store
	contract.Store
	contract.MetricsStore
	revenue.Store
	// StockValuation is the carried value of all stock, the value of
	// every receipt, and each stock row whose carried value differs from
	// its movements' values (minor units of the cost currency).
	StockValuation(ctx context.Context) (carried, received int64, breaches []string, err error)
	// LedgerCurrencies lists the currencies the journal holds postings in.
	LedgerCurrencies(ctx context.Context) ([]string, error)
	// AccountCurrencies lists the currencies of an account's invoices and
	// payments.
	AccountCurrencies(ctx context.Context, accountID string) ([]string, error)
	// Setting reads a company setting (name, address).
	Setting(ctx context.Context, name string) (value string, ok bool, err error)
	// PutSetting stores a setting, replacing its value.
	PutSetting(ctx context.Context, name, value string) error
	// SaveIdempotencyKey records an idempotent request and its response
	// unless its key is recorded (see quotient.Receipt).
	SaveIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) (bool, error)
}

// DB runs transactions; cmd/quotient adapts the store to it.
type DB interface {
	// InTx runs fn in a read-write transaction, retried from the start
	// on a serialization failure.
	InTx(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction: one consistent snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	// Read runs fn without a transaction, for a single-statement read.
	Read(ctx context.Context, fn func(Tx) error) error
}

// Services are the domain services the use cases call; cmd/quotient
// builds them.
type Services struct {
	CRM        *crm.Service
	Catalog    *catalog.Service
	Pricing    *pricing.Service
	Quotes     *quote.Service
	Inventory  *inventory.Service
	Orders     *order.Service
	Ledger     *ledger.Service
	Billing    *billing.Service
	Commission *commission.Service
	Contracts  *contract.Service
	Revenue    *revenue.Service
}

// NewServices builds the domain services over one clock; creditGraceDays
// is how long an invoice may be overdue before credit control holds its
// account's new orders (billing.DefaultGraceDays unless configured).
func NewServices(now func() time.Time, creditGraceDays int) Services {
	s := Services{CRM: crm.NewService(now), Catalog: catalog.NewService(now), Pricing: pricing.NewService(now),
		Inventory: inventory.NewService(now), Ledger: ledger.NewService(now)}
	s.Quotes = quote.NewService(now, s.Pricing)
	s.Orders = order.NewService(now, s.Inventory)
	s.Billing = billing.NewService(now, s.Ledger)
	s.Billing.CostCurrency = s.Pricing.CostCurrency
	s.Inventory.CostCurrency = s.Pricing.CostCurrency
	s.Billing.CreditGraceDays = creditGraceDays
	s.Commission = commission.NewService(now, s.Ledger)
	s.Contracts = contract.NewService(now, s.Billing, s.Quotes)
	s.Revenue = revenue.NewService(now, s.Ledger)
	return s
}

// Config is what the application layer needs.
type Config struct {
	DB       DB
	Services Services
	Now      func() time.Time
	Logger   *slog.Logger
	// Secret signs customer-portal links.
	Secret []byte
	// PublicURL is the base of links in e-mail (http://host:port).
	PublicURL string
	// BeforeCommit, when set, runs at the end of every change that keeps
	// a receipt, just before its commit: the crash test stops the process
	// there (QUOTIENT_FAULT=pause-before-commit).
	BeforeCommit func(ctx context.Context)
}

// App runs the use cases.
type App struct {
	db        DB
	now       func() time.Time
	log       *slog.Logger
	secret    []byte
	publicURL string
	// beforeCommit: see Config.BeforeCommit.
	beforeCommit func(ctx context.Context)

	crm        *crm.Service
	catalog    *catalog.Service
	pricing    *pricing.Service
	quotes     *quote.Service
	inventory  *inventory.Service
	orders     *order.Service
	ledger     *ledger.Service
	billing    *billing.Service
	commission *commission.Service
	contracts  *contract.Service
	revenue    *revenue.Service
}

// New returns the application layer over cfg's database and services.
func New(cfg Config) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := cfg.Services
	return &App{db: cfg.DB, now: cfg.Now, log: cfg.Logger, secret: cfg.Secret, publicURL: cfg.PublicURL, beforeCommit: cfg.BeforeCommit,
		crm: s.CRM, catalog: s.Catalog, pricing: s.Pricing, quotes: s.Quotes, inventory: s.Inventory, orders: s.Orders,
		ledger: s.Ledger, billing: s.Billing, commission: s.Commission, contracts: s.Contracts, revenue: s.Revenue}
}

// read runs fn in a read-only transaction and returns its result.
func read[T any](ctx context.Context, a *App, fn func(Tx) (T, error)) (T, error) {
	var out T
	err := a.db.View(ctx, func(tx Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// change runs fn in a read-write transaction and returns its result. When
// ctx carries a receipt (quotient.WithReceipt), its record is stored in
// the same transaction.
func change[T any](ctx context.Context, a *App, fn func(Tx) (T, error)) (T, error) {
	var out T
	err := a.db.InTx(ctx, func(tx Tx) error {
		x, err := fn(tx)
		if err != nil {
			return err
		}
		out = x
		if r, ok := quotient.ReceiptFrom(ctx); ok {
			rec, err := r(x)
			if err != nil {
				return err
			}
			saved, err := tx.SaveIdempotencyKey(ctx, rec)
			if err != nil {
				return err
			}
			if !saved {
				return quotient.ErrIdempotencyKeyTaken
			}
			if a.beforeCommit != nil {
				a.beforeCommit(ctx)
			}
		}
		return nil
	})
	return out, err
}

// do runs fn, which returns nothing but an error, as a change.
func do(ctx context.Context, a *App, fn func(Tx) error) error {
	_, err := change(ctx, a, func(tx Tx) (struct{}, error) { return struct{}{}, fn(tx) })
	return err
}

// System is the context of work nobody asked for (the workers) and of the
// command-line tools, whose user owns the database: it runs as an admin
// named "system".
func System(ctx context.Context) context.Context {
	return quotient.WithActor(ctx, quotient.Actor{UserID: "system", Role: quotient.RoleAdmin, Team: []string{"system"}})
}

func (a *App) today() quotient.Date { return quotient.DateOf(a.now()) }

// Today is the application's date (reports default to it).
func (a *App) Today() quotient.Date { return a.today() }
