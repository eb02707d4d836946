package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
)

// Store is what HTTP itself needs from storage: the records of requests
// made with an Idempotency-Key, and whether the database is up and
// current. Each call is a transaction of its own; everything else the
// server does goes through the application layer.
type Store interface {
	IdempotencyRecord(ctx context.Context, userID, key string) (quotient.IdempotencyRecord, error)
	// SaveIdempotencyKey keeps the response of a request that changed
	// nothing (changes keep theirs in their own transaction) unless its
	// key is recorded, and reports whether it did.
	SaveIdempotencyKey(ctx context.Context, r quotient.IdempotencyRecord) (bool, error)
	Ping(ctx context.Context) error
	MigrationStatus(ctx context.Context) (current, latest int, err error)
}

// Config holds the server's dependencies.
type Config struct {
	App      *app.App
	Store    Store
	Logger   *slog.Logger
	Registry *prometheus.Registry
	// Version is reported by /healthz.
	Version string
}

// Server is the HTTP server.
type Server struct {
	fiber   *fiber.App
	app     *app.App // the use cases
	store   Store
	log     *slog.Logger
	metrics *metrics
	routes  []route
	version string
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
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Registry == nil {
		cfg.Registry = prometheus.NewRegistry()
	}
	s := &Server{app: cfg.App, store: cfg.Store, log: cfg.Logger, version: cfg.Version}
	s.metrics = newMetrics(cfg.Registry)
	s.fiber = fiber.New(fiber.Config{
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
	s.fiber.Server().ConnState = s.conns.hook
	s.fiber.Use(s.observe)
	s.fiber.Use(s.recoverPanic)
	s.fiber.Use(limitBody)
	s.systemRoutes(cfg.Registry)
	api := s.fiber.Group("/api/v1", s.authenticate, s.idempotent)
	s.apiRoutes(api)
	return s
}

// App exposes the fiber app (for tests and benchmarks).
func (s *Server) App() *fiber.App { return s.fiber }

// Serve serves HTTP on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.fiber.Listener(ln) }

// Shutdown stops accepting connections and waits for requests in flight,
// up to the context's deadline.
func (s *Server) Shutdown(ctx context.Context) error {
	return s.conns.shutdown(ctx, s.fiber.ShutdownWithContext)
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
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			_ = c.SendStatus(fiber.StatusInternalServerError)
		}
	}
	securePage(c)
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
	attrs := []slog.Attr{slog.String("request_id", id), slog.String("method", c.Method()), slog.String("path", loggedPath(c.Path())),
		slog.String("route", route), slog.Int("status", status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000)}
	if a, ok := quotient.ActorFrom(c.UserContext()); ok {
		attrs = append(attrs, slog.String("user_id", a.UserID))
	}
	s.log.LogAttrs(c.UserContext(), level, "request", attrs...)
	return nil
}

// pagePolicy is the Content-Security-Policy of every HTML page that sets
// none of its own: no script at all, nothing from other sites, forms post
// only here, and no framing. Pages keep their styles inline.
const pagePolicy = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; form-action 'self'; " +
	"base-uri 'none'; frame-ancestors 'none'"

// securePage gives an HTML response its policy, and keeps the page's
// address (a portal link is a credential) out of the Referer of links
// followed from it, unless the page chose a referrer policy of its own.
func securePage(c *fiber.Ctx) {
	if !strings.HasPrefix(string(c.Response().Header.ContentType()), "text/html") {
		return
	}
	if len(c.Response().Header.Peek(fiber.HeaderContentSecurityPolicy)) == 0 {
		c.Set(fiber.HeaderContentSecurityPolicy, pagePolicy)
	}
	if len(c.Response().Header.Peek(fiber.HeaderReferrerPolicy)) == 0 {
		c.Set(fiber.HeaderReferrerPolicy, "no-referrer")
	}
}

// secretPaths match the path segments that are credentials: a portal
// link's token accepts a quote by itself and a sign-in link signs its user
// in, so neither reaches a log line or a metric label (metrics use the
// route pattern, which names no token).
var secretPaths = regexp.MustCompile(`^(/portal/quotes/|/signin/)[^/]+`)

// loggedPath is a request path as logs may keep it.
func loggedPath(p string) string {
	return secretPaths.ReplaceAllString(p, "${1}[redacted]")
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
