package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/mail"
	"github.com/quotient-cpq/quotient/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], Env{Getenv: os.Getenv, Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin}))
}

// Env is what Main takes from the outside world, so tests can run it.
type Env struct {
	Getenv func(string) string
	Stdout io.Writer
	Stderr io.Writer
	Stdin  io.Reader
	// Ready, when set, is called once the server listens.
	Ready func(addr string)
}

// config is the resolved configuration.
type config struct {
	graceDays   *int
	horizonDays *int
	// sessionIdle and sessionMax are how long a workspace session lasts
	// without a request and at most (nil: the defaults).
	sessionIdle, sessionMax *time.Duration
	addr                    string
	databaseURL             string
	secret                  string
	bootstrap               string
	publicURL               string
	smtpURL                 string
	mailFrom                string
	demo                    bool
	logFormat               string
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: quotient <command> [flags]

commands:
  serve [--demo]                       start the server (applies migrations first)
  migrate                              apply database migrations and exit
  import products FILE.csv             create or update products from a CSV
  import price-book-entries FILE.csv   create or update prices from a CSV
  load --token T [--duration 10s]      drive a server on this machine with a read/write mix
  check                                verify the invariants (ledger balances, stock); exit 1 naming any breach
  version                              print the version

Run "quotient <command> -h" for the flags of a command.
`)
}

// Main runs a sub-command and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		usage(env.Stderr)
		return 2
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = serve(ctx, rest, env)
	case "migrate":
		err = migrate(ctx, rest, env)
	case "import":
		err = importCmd(ctx, rest, env)
	case "load":
		err = load(ctx, rest, env)
	case "check":
		err = check(ctx, rest, env)
	case "version":
		fmt.Fprintln(env.Stdout, "quotient", version)
	case "help", "-h", "--help":
		usage(env.Stdout)
	default:
		fmt.Fprintf(env.Stderr, "quotient: unknown command %q\n\n", cmd)
		usage(env.Stderr)
		return 2
	}
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(env.Stderr, "quotient:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

// check runs the invariant check on the database and prints each check;
// any breach makes it exit 1.
func check(ctx context.Context, args []string, env Env) error {
	var cfg config
	fs := flags("check", env, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("check takes no arguments (got %q)", fs.Args())}
	}
	db, err := openDB(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := wire(wiring{db: db}).app.Check(app.System(ctx))
	if err != nil {
		return err
	}
	for _, c := range rep.Invariants {
		mark := "ok"
		if !c.OK() {
			mark = "FAILED"
		}
		fmt.Fprintf(env.Stdout, "%-6s %s\n", mark, c.Name)
		for _, p := range c.Problems {
			fmt.Fprintf(env.Stdout, "       %s\n", p)
		}
	}
	if !rep.OK() {
		return errors.New("the data breaks an invariant (see above)")
	}
	return nil
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func envOr(env Env, name, def string) string {
	if v := env.Getenv(name); v != "" {
		return v
	}
	return def
}

// flags declares the flags every command shares, defaulting to the
// environment.
func flags(name string, env Env, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&cfg.databaseURL, "database-url", envOr(env, "QUOTIENT_DATABASE_URL", "sqlite://./quotient.db"),
		"database URL: sqlite://PATH or postgres://... (QUOTIENT_DATABASE_URL)")
	fs.StringVar(&cfg.logFormat, "log-format", envOr(env, "QUOTIENT_LOG_FORMAT", ""), "log format: json or text (default: text on a terminal, else json)")
	return fs
}

func newLogger(cfg config, w io.Writer) *slog.Logger {
	format := cfg.logFormat
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, cfg config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.databaseURL)
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	if n > 0 {
		log.Info("applied migrations", slog.Int("count", n), slog.String("database", string(db.Dialect)))
	}
	// The standard chart of accounts: added where missing, never changed.
	if err := db.InTx(ctx, func(tx *store.Tx) error { return ledger.NewService(time.Now).SeedChart(ctx, tx) }); err != nil {
		db.Close()
		return nil, fmt.Errorf("chart of accounts: %w", err)
	}
	// Lines posted before the ledger kept base amounts, converted where
	// their rates are known (a bounded number of batches per start-up).
	for range 100 {
		n := 0
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			n, err = ledger.NewService(time.Now).ConvertPosted(ctx, tx, 1000)
			return err
		})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("base amounts: %w", err)
		}
		if n < 1000 {
			break
		}
	}
	return db, nil
}

func migrate(ctx context.Context, args []string, env Env) error {
	var cfg config
	fs := flags("migrate", env, &cfg)
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := newLogger(cfg, env.Stderr)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	cur, latest, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database (%s) is at migration %d of %d\n", db.Dialect, cur, latest)
	return nil
}

func serve(ctx context.Context, args []string, env Env) error {
	var cfg config
	fs := flags("serve", env, &cfg)
	fs.StringVar(&cfg.addr, "addr", envOr(env, "QUOTIENT_ADDR", "127.0.0.1:8080"), "listen address (QUOTIENT_ADDR)")
	fs.BoolVar(&cfg.demo, "demo", false, "fill an empty database with a demo company and print its users' API tokens")
	fs.StringVar(&cfg.secret, "secret", envOr(env, "QUOTIENT_SECRET", ""), "secret that signs portal links (QUOTIENT_SECRET; generated and stored when unset)")
	fs.StringVar(&cfg.publicURL, "public-url", envOr(env, "QUOTIENT_PUBLIC_URL", ""), "base URL of links in e-mails (QUOTIENT_PUBLIC_URL)")
	cfg.bootstrap = env.Getenv("QUOTIENT_BOOTSTRAP_TOKEN")
	cfg.smtpURL = env.Getenv("QUOTIENT_SMTP_URL")
	cfg.mailFrom = env.Getenv("QUOTIENT_MAIL_FROM")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if cfg.graceDays, err = envDays(env, "QUOTIENT_CREDIT_GRACE_DAYS", 0); err != nil {
		return err
	}
	if cfg.horizonDays, err = envDays(env, "QUOTIENT_QUOTE_HORIZON_DAYS", 1); err != nil {
		return err
	}
	if cfg.sessionIdle, err = envDuration(env, "QUOTIENT_SESSION_IDLE"); err != nil {
		return err
	}
	if cfg.sessionMax, err = envDuration(env, "QUOTIENT_SESSION_MAX"); err != nil {
		return err
	}
	if cfg.sessionIdle != nil && cfg.sessionMax != nil && *cfg.sessionIdle > *cfg.sessionMax {
		return usageError{fmt.Sprintf("QUOTIENT_SESSION_IDLE (%s) must not be longer than QUOTIENT_SESSION_MAX (%s)", *cfg.sessionIdle, *cfg.sessionMax)}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments (got %q)", fs.Args())}
	}
	log := newLogger(cfg, env.Stderr)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()

	secret, err := ensureSecret(ctx, db, cfg.secret)
	if err != nil {
		return err
	}
	var sender mail.Sender
	if cfg.smtpURL != "" {
		smtp, err := mail.Parse(cfg.smtpURL)
		if err != nil {
			return err
		}
		sender = smtp
	} else {
		log.Info("QUOTIENT_SMTP_URL is not set: e-mail waits in the outbox until it is")
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for name, pool := range db.Pools() {
		reg.MustRegister(collectors.NewDBStatsCollector(pool, name))
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	addr := ln.Addr().String()
	base := "http://" + addr
	if cfg.publicURL == "" {
		cfg.publicURL = base
	}
	q := wire(wiring{db: db, now: time.Now, log: log, registry: reg, secret: secret, publicURL: cfg.publicURL, mail: sender,
		mailFrom: cfg.mailFrom, graceDays: cfg.graceDays, horizonDays: cfg.horizonDays, sessionIdle: cfg.sessionIdle, sessionMax: cfg.sessionMax,
		beforeCommit: fault(env)})
	if cfg.bootstrap != "" {
		made, err := q.app.Bootstrap(ctx, cfg.bootstrap)
		if err != nil {
			ln.Close()
			return fmt.Errorf("bootstrap: %w", err)
		}
		if made {
			log.Info("created the admin user from QUOTIENT_BOOTSTRAP_TOKEN")
		}
	}
	var tokens []demoLogin
	if cfg.demo {
		if tokens, err = seedDemo(ctx, db, time.Now, q); err != nil {
			ln.Close()
			return fmt.Errorf("demo: %w", err)
		}
	}
	srv := q.server
	fmt.Fprintf(env.Stdout, "Quotient %s listening on %s (database: %s)\n", version, base, db.Dialect)
	if len(tokens) > 0 {
		fmt.Fprintln(env.Stdout, "Demo users and their API tokens (send as Authorization: Bearer <token>):")
		for _, t := range tokens {
			fmt.Fprintf(env.Stdout, "  %-14s %-34s %s\n", t.role, t.email, t.token)
		}
		fmt.Fprintln(env.Stdout, "Sign in to the workspace with a link (each works once, for a week):")
		for _, t := range tokens {
			fmt.Fprintf(env.Stdout, "  %-34s %s\n", t.email, t.link)
		}
		fmt.Fprintf(env.Stdout, "Try: curl -H 'Authorization: Bearer %s' %s/api/v1/accounts\n", tokens[0].token, base)
	}

	maintCtx, stopMaint := context.WithCancel(ctx)
	defer stopMaint()
	tick := 5 * time.Second
	if v := env.Getenv("QUOTIENT_WORKER_INTERVAL"); v != "" {
		if d, err := time.ParseDuration(v); err == nil && d > 0 {
			tick = d
		}
	}
	go q.worker.Run(maintCtx, tick)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	if env.Ready != nil {
		env.Ready(addr)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// ensureSecret returns the portal-link secret: the configured one, or a
// random one generated on first start and stored, so every server on the
// same database shares it.
func ensureSecret(ctx context.Context, db *store.DB, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 16 {
			return nil, fmt.Errorf("QUOTIENT_SECRET must be at least 16 characters")
		}
		return []byte(configured), nil
	}
	var secret string
	err := db.InTx(ctx, func(tx *store.Tx) error {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		var err error
		secret, err = tx.PutSettingIfAbsent(ctx, "portal_secret", hex.EncodeToString(b))
		return err
	})
	return []byte(secret), err
}

// envDays reads a number of days from 0 (or min) to 3650 from the
// environment: nil when unset, a usage error naming the variable when
// it is not such a number.
func envDays(env Env, name string, min int) (*int, error) {
	v := env.Getenv(name)
	if v == "" {
		return nil, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > 3650 {
		return nil, usageError{fmt.Sprintf("%s must be a whole number of days from %d to 3650 (got %q)", name, min, v)}
	}
	return &n, nil
}

// envDuration reads a length of time such as 30m or 12h, from one second
// to 90 days, from the environment: nil when unset, a usage error naming
// the variable otherwise.
func envDuration(env Env, name string) (*time.Duration, error) {
	v := env.Getenv(name)
	if v == "" {
		return nil, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < time.Second || d > 90*24*time.Hour {
		return nil, usageError{fmt.Sprintf("%s must be a length of time from 1s to 2160h, such as 30m or 12h (got %q)", name, v)}
	}
	return &d, nil
}

// fault is the failure QUOTIENT_FAULT injects, for the crash test only:
// "pause-before-commit" holds every change that records an idempotency
// key just before its commit (saying so on standard error) so the test
// can kill the process there. Unset, nothing is injected.
func fault(env Env) func(ctx context.Context) {
	if env.Getenv("QUOTIENT_FAULT") != "pause-before-commit" {
		return nil
	}
	return func(ctx context.Context) {
		fmt.Fprintln(env.Stderr, "fault: paused before commit")
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Minute):
		}
	}
}
