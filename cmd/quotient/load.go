package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"
)

// loadConfig is what "quotient load" runs.
type loadConfig struct {
	url         string
	token       string
	duration    time.Duration
	maxRequests int
	concurrency int
	writePct    int
	scenario    string
	lines       int
}

const (
	maxLoadDuration = 10 * time.Minute
	maxLoadRequests = 5_000_000
)

// load drives a running server with a mix of reads (account, product page,
// opportunity page) and writes (create an account with an Idempotency-Key,
// then change it with If-Match), prints throughput and latency per
// operation, and checks afterwards that every acknowledged account exists
// exactly once and no request failed on the server. It only talks to
// loopback addresses and always stops by itself.
func load(ctx context.Context, args []string, env Env) error {
	var cfg loadConfig
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.StringVar(&cfg.url, "url", "http://127.0.0.1:8080", "base URL of a running server (loopback only)")
	fs.StringVar(&cfg.token, "token", env.Getenv("QUOTIENT_TOKEN"), "API token of an admin or sales user (QUOTIENT_TOKEN)")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to run (at most 10m)")
	fs.IntVar(&cfg.maxRequests, "requests", 0, "stop after this many requests (0: only the duration bounds the run)")
	fs.IntVar(&cfg.concurrency, "concurrency", 8, "concurrent clients (1-256)")
	fs.IntVar(&cfg.writePct, "writes", 20, "percent of operations that write (0-100)")
	fs.StringVar(&cfg.scenario, "scenario", "mixed", "mixed (reads and writes) or preview (POST /pricing/preview of --lines lines)")
	fs.IntVar(&cfg.lines, "lines", 1000, "lines per preview in the preview scenario (1-10000)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return usageError{err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	l := &loader{cfg: cfg, client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConnsPerHost: cfg.concurrency, MaxConnsPerHost: cfg.concurrency}},
		stats: map[string]*opStats{}, run: fmt.Sprintf("load-%d", time.Now().UnixNano())}
	if err := l.prepare(); err != nil {
		return err
	}
	if cfg.scenario == "preview" {
		if err := l.preparePreview(); err != nil {
			return err
		}
	}
	began := time.Now()
	var wg sync.WaitGroup
	var issued sync.Mutex
	count := 0
	for w := range cfg.concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), uint64(began.UnixNano())))
			for ctx.Err() == nil {
				issued.Lock()
				if cfg.maxRequests > 0 && count >= cfg.maxRequests {
					issued.Unlock()
					return
				}
				count++
				n := count
				issued.Unlock()
				switch {
				case cfg.scenario == "preview":
					l.preview()
				case rng.IntN(100) < cfg.writePct:
					l.write(n)
				default:
					l.read(rng)
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(began)
	l.report(env.Stdout, elapsed)
	return l.verify(env.Stdout)
}

func (c *loadConfig) check() error {
	u, err := url.Parse(c.url)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--url must be an http URL such as http://127.0.0.1:8080")
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("--url must point at this machine (127.0.0.0/8, [::1] or localhost); got %s", host)
	}
	switch {
	case c.token == "":
		return fmt.Errorf("--token (or QUOTIENT_TOKEN) is required")
	case c.duration <= 0 || c.duration > maxLoadDuration:
		return fmt.Errorf("--duration must be between 1ns and %v", maxLoadDuration)
	case c.maxRequests < 0 || c.maxRequests > maxLoadRequests:
		return fmt.Errorf("--requests must be between 0 and %d", maxLoadRequests)
	case c.concurrency < 1 || c.concurrency > 256:
		return fmt.Errorf("--concurrency must be between 1 and 256")
	case c.writePct < 0 || c.writePct > 100:
		return fmt.Errorf("--writes must be between 0 and 100")
	case c.scenario != "mixed" && c.scenario != "preview":
		return fmt.Errorf("--scenario must be mixed or preview")
	case c.lines < 1 || c.lines > 10000:
		return fmt.Errorf("--lines must be between 1 and 10000")
	}
	return nil
}

type opStats struct {
	latencies []time.Duration
	statuses  map[int]int
}

type loader struct {
	cfg         loadConfig
	client      *http.Client
	run         string
	accounts    []string // existing account ids to read
	previewBody []byte
	previewSeen map[string]int // total|input_hash → responses with it
	mu          sync.Mutex
	stats       map[string]*opStats
	created     []string
	failures    []string
}

// do sends one request and records its latency and status under op.
func (l *loader) do(op, method, path string, body any, headers ...string) (int, []byte, http.Header) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, strings.TrimRight(l.cfg.url, "/")+path, rd)
	if err != nil {
		return 0, nil, nil
	}
	req.Header.Set("Authorization", "Bearer "+l.cfg.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	res, err := l.client.Do(req)
	status, raw := 0, []byte(nil)
	var hdr http.Header
	if err == nil {
		raw, _ = io.ReadAll(res.Body)
		res.Body.Close()
		status, hdr = res.StatusCode, res.Header
	}
	took := time.Since(start)
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.stats[op]
	if s == nil {
		s = &opStats{statuses: map[int]int{}}
		l.stats[op] = s
	}
	s.latencies = append(s.latencies, took)
	s.statuses[status]++
	if status == 0 || status >= 500 {
		if len(l.failures) < 10 {
			l.failures = append(l.failures, fmt.Sprintf("%s %s: status %d %v %.200s", method, path, status, err, raw))
		}
	}
	return status, raw, hdr
}

func (l *loader) prepare() error {
	status, raw, _ := l.do("setup", "GET", "/api/v1/accounts?limit=100", nil)
	if status != 200 {
		return fmt.Errorf("cannot list accounts with this token (status %d): %.200s", status, raw)
	}
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &page); err != nil {
		return err
	}
	for _, a := range page.Data {
		l.accounts = append(l.accounts, a.ID)
	}
	if len(l.accounts) == 0 {
		status, raw, _ := l.do("setup", "POST", "/api/v1/accounts", map[string]any{"name": l.run + " seed", "currency": "USD"})
		if status != 201 {
			return fmt.Errorf("cannot create a seed account (status %d): %.200s", status, raw)
		}
		var a struct{ ID string }
		_ = json.Unmarshal(raw, &a)
		l.accounts = append(l.accounts, a.ID)
	}
	return nil
}

func (l *loader) read(rng *rand.Rand) {
	switch rng.IntN(3) {
	case 0:
		l.do("get account", "GET", "/api/v1/accounts/"+l.accounts[rng.IntN(len(l.accounts))], nil)
	case 1:
		l.do("list 50 products", "GET", "/api/v1/products?limit=50", nil)
	default:
		l.do("list 20 opportunities", "GET", "/api/v1/opportunities?limit=20", nil)
	}
}

func (l *loader) write(n int) {
	key := fmt.Sprintf("%s-%d", l.run, n)
	body := map[string]any{"name": fmt.Sprintf("%s account %d", l.run, n), "currency": "EUR", "segment": "smb"}
	status, raw, hdr := l.do("create account", "POST", "/api/v1/accounts", body, "Idempotency-Key", key)
	if status != 201 {
		return
	}
	// A client retry must not create a second account.
	if s, _, _ := l.do("replay create", "POST", "/api/v1/accounts", body, "Idempotency-Key", key); s != 201 {
		l.fail("replay of %s: status %d", key, s)
	}
	var a struct{ ID string }
	_ = json.Unmarshal(raw, &a)
	l.mu.Lock()
	l.created = append(l.created, a.ID)
	l.mu.Unlock()
	l.do("patch account", "PATCH", "/api/v1/accounts/"+a.ID, map[string]any{"industry": "load"}, "If-Match", hdr.Get("ETag"))
}

func (l *loader) fail(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.failures = append(l.failures, fmt.Sprintf(format, args...))
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func (l *loader) report(w io.Writer, elapsed time.Duration) {
	total := 0
	names := make([]string, 0, len(l.stats))
	for name, s := range l.stats {
		if name != "setup" && name != "verify" {
			names = append(names, name)
			total += len(s.latencies)
		}
	}
	sort.Strings(names)
	mix := fmt.Sprintf("%d%% writes", l.cfg.writePct)
	if l.cfg.scenario == "preview" {
		mix = fmt.Sprintf("previews of %d lines", l.cfg.lines)
	}
	fmt.Fprintf(w, "%d requests in %.1fs with %d clients, %s: %.0f requests/s\n",
		total, elapsed.Seconds(), l.cfg.concurrency, mix, float64(total)/elapsed.Seconds())
	fmt.Fprintf(w, "%-24s %8s %10s %10s %10s %10s  %s\n", "operation", "count", "p50", "p90", "p99", "max", "statuses")
	for _, name := range names {
		s := l.stats[name]
		sort.Slice(s.latencies, func(i, j int) bool { return s.latencies[i] < s.latencies[j] })
		var st []string
		for code, n := range s.statuses {
			st = append(st, fmt.Sprintf("%d×%d", code, n))
		}
		sort.Strings(st)
		fmt.Fprintf(w, "%-24s %8d %10s %10s %10s %10s  %s\n", name, len(s.latencies), pct(s.latencies, .5).Round(time.Microsecond),
			pct(s.latencies, .9).Round(time.Microsecond), pct(s.latencies, .99).Round(time.Microsecond),
			s.latencies[len(s.latencies)-1].Round(time.Microsecond), strings.Join(st, " "))
	}
}

// verify checks the run's invariants: no 5xx or transport error, and the
// accounts this run created are exactly those it was told were created.
func (l *loader) verify(w io.Writer) error {
	if l.cfg.scenario == "preview" {
		return l.verifyPreview(w)
	}
	found := map[string]int{}
	cursor := ""
	for range 100000 {
		path := "/api/v1/accounts?limit=200&q=" + url.QueryEscape(l.run+" account")
		if cursor != "" {
			path += "&cursor=" + url.QueryEscape(cursor)
		}
		status, raw, _ := l.do("verify", "GET", path, nil)
		if status != 200 {
			return fmt.Errorf("verify: listing accounts: status %d", status)
		}
		var page struct {
			Data []struct {
				ID string `json:"id"`
			} `json:"data"`
			NextCursor string `json:"next_cursor"`
		}
		if err := json.Unmarshal(raw, &page); err != nil {
			return err
		}
		for _, a := range page.Data {
			found[a.ID]++
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	for _, id := range l.created {
		if found[id] != 1 {
			l.fail("account %s was acknowledged but is stored %d times", id, found[id])
		}
	}
	if len(found) != len(l.created) {
		l.fail("%d accounts stored for %d acknowledged creations (a retry made a duplicate?)", len(found), len(l.created))
	}
	if len(l.failures) > 0 {
		fmt.Fprintln(w, "invariants: FAILED")
		for _, f := range l.failures {
			fmt.Fprintln(w, "  "+f)
		}
		return errors.New("load run broke an invariant")
	}
	fmt.Fprintf(w, "invariants: ok (no 5xx; %d accounts created, each stored once; replays made no duplicates)\n", len(l.created))
	return nil
}

// preparePreview builds one preview request of --lines lines over the
// first account's priced products.
func (l *loader) preparePreview() error {
	status, raw, _ := l.do("setup", "GET", "/api/v1/products?limit=200&active=true", nil)
	if status != 200 {
		return fmt.Errorf("cannot list products (status %d)", status)
	}
	var page struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(raw, &page); err != nil || len(page.Data) == 0 {
		return fmt.Errorf("no products to price: %v", err)
	}
	lines := make([]map[string]any, l.cfg.lines)
	for i := range lines {
		lines[i] = map[string]any{"product_id": page.Data[i%len(page.Data)].ID, "quantity": fmt.Sprint(1 + i%60)}
	}
	l.previewBody, _ = json.Marshal(map[string]any{"account_id": l.accounts[0], "lines": lines})
	l.previewSeen = map[string]int{}
	// One priming request: a product without a price in the book fails
	// here, clearly, instead of in every worker.
	if status, raw := l.postPreview(); status != 200 {
		return fmt.Errorf("preview of %d lines failed (status %d): %.300s", l.cfg.lines, status, raw)
	}
	return nil
}

func (l *loader) postPreview() (int, []byte) {
	status, raw, _ := l.do("preview", "POST", "/api/v1/pricing/preview", json.RawMessage(l.previewBody))
	return status, raw
}

// preview prices the document and checks the response adds up.
func (l *loader) preview() {
	status, raw := l.postPreview()
	if status != 200 {
		return
	}
	var r struct {
		Lines []struct {
			NetAmount string `json:"net_amount"`
		} `json:"lines"`
		NetTotal  string `json:"net_total"`
		Total     string `json:"total"`
		InputHash string `json:"input_hash"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		l.fail("preview response: %v", err)
		return
	}
	sum := decimal.Zero
	for _, ln := range r.Lines {
		sum = sum.Add(decimal.RequireFromString(ln.NetAmount))
	}
	if !sum.Equal(decimal.RequireFromString(r.NetTotal)) {
		l.fail("preview: lines add up to %s, net_total is %s", sum, r.NetTotal)
	}
	l.mu.Lock()
	l.previewSeen[r.Total+"|"+r.InputHash]++
	l.mu.Unlock()
}

func (l *loader) verifyPreview(w io.Writer) error {
	if len(l.previewSeen) > 1 {
		l.fail("the same preview gave %d different results: %v", len(l.previewSeen), l.previewSeen)
	}
	if len(l.failures) > 0 {
		fmt.Fprintln(w, "invariants: FAILED")
		for _, f := range l.failures {
			fmt.Fprintln(w, "  "+f)
		}
		return errors.New("load run broke an invariant")
	}
	fmt.Fprintln(w, "invariants: ok (no 5xx; every preview identical; line nets add up to the net total)")
	return nil
}
