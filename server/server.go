package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/mail"
	"github.com/quotient-cpq/quotient/o2c"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
)

// Tx is one database transaction as the server needs it: every domain
// Store plus the idempotency records.
type Tx interface {
	crm.Store
	catalog.Store
	pricing.Store
	quote.Store
	ClaimIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) (quotient.IdempotencyRecord, bool, error)
	IdempotencyRecord(ctx context.Context, userID, key string) (quotient.IdempotencyRecord, error)
	CompleteIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) error
	ReleaseIdempotencyKey(ctx context.Context, userID, key string) error
	PurgeIdempotencyKeys(ctx context.Context, before time.Time) (int64, error)
	Setting(ctx context.Context, name string) (string, bool, error)
	quote.SendStore
	inventory.Store
	order.Store
	ledger.Store
	billing.CreditStore
	billing.ControlStore
	billing.DunningStore
	commission.PerformanceStore
	commission.KPIStore
	crm.CaseStore
	commission.UserStore
	// OpenQuotes counts an account's open quotes and sums their totals
	// (minor units) by currency.
	OpenQuotes(ctx context.Context, accountID string) (map[string][2]int64, error)
	// LifetimeRevenue is an account's invoiced net less credit notes in a
	// currency, in minor units.
	LifetimeRevenue(ctx context.Context, accountID, currency string) (int64, error)
	// AccountActivity is an account's cost of goods, last payment and
	// backorders.
	AccountActivity(ctx context.Context, accountID, costCurrency string) (billing.Activity, error)
	// OpenOrderCounts counts an account's open orders and the held ones.
	OpenOrderCounts(ctx context.Context, accountID string) (open, held int, err error)
	billing.StatementStore
	InvoiceCurrencies(ctx context.Context) ([]string, error)
	PostingBreaches(ctx context.Context) ([]string, error)
	CommissionBreaches(ctx context.Context) ([]string, error)
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]quote.OutboxMessage, error)
	FinishOutbox(ctx context.Context, id, status string, next time.Time, lastErr string, at time.Time) error
}

// Database runs transactions; cmd/quotient adapts store.DB to it.
type Database interface {
	InTx(ctx context.Context, fn func(Tx) error) error
	View(ctx context.Context, fn func(Tx) error) error
	// Read runs fn without a transaction, for single-statement reads.
	Read(ctx context.Context, fn func(Tx) error) error
	Ping(ctx context.Context) error
	MigrationStatus(ctx context.Context) (current, latest int, err error)
}

// Config holds the server's dependencies.
type Config struct {
	DB       Database
	Now      func() time.Time
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// Version is reported by /healthz.
	Version string
	// Secret signs portal links.
	Secret []byte
	// PublicURL is the base of links in e-mails (http://host:port).
	PublicURL string
	// Mail delivers the outbox; nil leaves mail waiting in the outbox.
	Mail mail.Sender
	// MailFrom is the sender address of e-mail.
	MailFrom string
	// CreditGraceDays is how long an invoice may be overdue before credit
	// control holds the account's new orders; nil: billing.DefaultGraceDays.
	CreditGraceDays *int
}

// Server is the HTTP server.
type Server struct {
	app       *fiber.App
	db        Database
	now       func() time.Time
	log       *slog.Logger
	crm       *crm.Service
	catalog   *catalog.Service
	pricing   *pricing.Service
	quotes    *quote.Service
	inventory *inventory.Service
	orders    *order.Service
	ledger    *ledger.Service
	billing   *billing.Service
	flows     *o2c.Flows
	// dunnedOn is the last day this server saw the daily dunning done.
	dunnedOn   atomic.Value
	commission *commission.Service
	metrics    *metrics
	routes     []route
	version    string
	cfg        Config
	specCache
	conns connTracker
}

// BodyLimit is the largest request body accepted: a larger one gets 413
// with problem JSON. Bodies up to transportLimit are read so the client can
// be told; beyond that the connection is cut to protect the server.
const (
	BodyLimit      = 1 << 20
	transportLimit = 8 << 20
)

// New builds the server and its routes.
func New(cfg Config) *Server {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	if cfg.MailFrom == "" {
		cfg.MailFrom = "Quotient <quotient@localhost>"
	}
	s := &Server{db: cfg.DB, now: cfg.Now, log: cfg.Logger, version: cfg.Version, cfg: cfg,
		crm: crm.NewService(cfg.Now), catalog: catalog.NewService(cfg.Now), pricing: pricing.NewService(cfg.Now)}
	s.quotes = quote.NewService(cfg.Now, s.pricing)
	s.inventory = inventory.NewService(cfg.Now)
	s.orders = order.NewService(cfg.Now, s.inventory)
	s.ledger = ledger.NewService(cfg.Now)
	s.billing = billing.NewService(cfg.Now, s.ledger)
	s.billing.CostCurrency = s.pricing.CostCurrency
	if cfg.CreditGraceDays != nil {
		s.billing.CreditGraceDays = *cfg.CreditGraceDays
	}
	s.commission = commission.NewService(cfg.Now, s.ledger)
	s.flows = &o2c.Flows{Orders: s.orders, Billing: s.billing, Inventory: s.inventory, Commission: s.commission}
	s.metrics = newMetrics(cfg.Registry)
	s.app = fiber.New(fiber.Config{
		AppName:               "quotient",
		BodyLimit:             transportLimit,
		DisableStartupMessage: true,
		Immutable:             true, // values from c.Params/c.Body outlive the handler safely
		ErrorHandler:          s.errorHandler,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10,
		CaseSensitive:         true,
	})
	s.app.Server().ConnState = s.conns.hook
	s.app.Use(s.observe)
	s.app.Use(s.recoverPanic)
	s.app.Use(limitBody)
	s.systemRoutes(cfg.Registry)
	api := s.app.Group("/api/v1", s.authenticate, s.idempotent)
	s.apiRoutes(api)
	return s
}

// App exposes the fiber app (for tests and benchmarks).
func (s *Server) App() *fiber.App { return s.app }

// Serve serves HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.app.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight,
// up to the context's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.conns.shutdown(ctx, s.app.ShutdownWithContext)
}

var requestIDRe = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func newRequestID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func requestID(c *fiber.Ctx) string {
	if id, ok := c.Locals("request_id").(string); ok {
		return id
	}
	return ""
}

// observe gives every request an id, and logs and measures it.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get("X-Request-Id")
	if !requestIDRe.MatchString(id) {
		id = newRequestID()
	}
	c.Locals("request_id", id)
	c.Set("X-Request-Id", id)
	if conn := c.Context().Conn(); conn != nil {
		s.conns.begin(conn)
		defer s.conns.end(conn)
	}
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	route, ok := c.Locals("route").(string)
	if !ok {
		route = "unmatched"
	}
	elapsed := time.Since(start)
	s.metrics.observe(c.Method(), route, status, elapsed)
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	attrs := []slog.Attr{slog.String("request_id", id), slog.String("method", c.Method()), slog.String("path", c.Path()),
		slog.String("route", route), slog.Int("status", status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000)}
	if a, ok := quotient.ActorFrom(c.UserContext()); ok {
		attrs = append(attrs, slog.String("user_id", a.UserID))
	}
	s.log.LogAttrs(c.UserContext(), level, "request", attrs...)
	return nil
}

// recoverPanic turns a panic in a handler into a logged 500, never a
// crashed server.
func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic in handler", slog.String("request_id", requestID(c)), slog.Any("panic", p))
			err = quotient.Errorf(quotient.Internal, "internal error")
		}
	}()
	return c.Next()
}

// limitBody refuses bodies over BodyLimit with 413.
func limitBody(c *fiber.Ctx) error {
	if len(c.Request().Body()) > BodyLimit {
		return quotient.Errorf(quotient.TooLarge, "the request body is larger than 1 MiB; split the request")
	}
	return c.Next()
}

// view runs fn in a read-only transaction with the request's actor.
func (s *Server) view(c *fiber.Ctx, fn func(ctx context.Context, tx Tx) error) error {
	ctx := c.UserContext()
	return s.db.View(ctx, func(tx Tx) error { return fn(ctx, tx) })
}

// write runs fn in a read-write transaction with the request's actor.
func (s *Server) write(c *fiber.Ctx, fn func(ctx context.Context, tx Tx) error) error {
	ctx := c.UserContext()
	return s.db.InTx(ctx, func(tx Tx) error { return fn(ctx, tx) })
}

// PurgeIdempotencyKeys deletes keys older than keep; the server calls it
// hourly from RunMaintenance.
func (s *Server) PurgeIdempotencyKeys(ctx context.Context, keep time.Duration) (int64, error) {
	var n int64
	err := s.db.InTx(ctx, func(tx Tx) error {
		var err error
		n, err = tx.PurgeIdempotencyKeys(ctx, s.now().Add(-keep))
		return err
	})
	return n, err
}

// IdempotencyRetention is how long idempotency keys are kept (at least the
// 24 h API.md promises).
const IdempotencyRetention = 48 * time.Hour

// RunMaintenance runs the background work until ctx ends: delivering the
// outbox and expiring quotes every tick, dunning once a day (the first
// tick of the day on any server), purging old idempotency keys hourly. Safe with many servers on one database: outbox rows are leased
// (SKIP LOCKED on PostgreSQL), expiry is guarded by each version's etag,
// and the purge is idempotent.
func (s *Server) RunMaintenance(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	lastPurge := time.Time{}
	for {
		if time.Since(lastPurge) >= time.Hour {
			lastPurge = time.Now()
			if n, err := s.PurgeIdempotencyKeys(ctx, IdempotencyRetention); err != nil && ctx.Err() == nil {
				s.log.Warn("purge idempotency keys", slog.Any("error", err))
			} else if n > 0 {
				s.log.Info("purged idempotency keys", slog.Int64("count", n))
			}
		}
		if _, err := s.DeliverOutbox(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("deliver outbox", slog.Any("error", err))
		}
		if _, err := s.ExpireQuotes(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("expire quotes", slog.Any("error", err))
		}
		if n, err := s.DailyDunning(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("dunning", slog.Any("error", err))
		} else if n > 0 {
			s.log.Info("dunning reminders queued", slog.Int("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
