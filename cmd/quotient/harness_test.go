package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
)

// syncBuffer is a bytes.Buffer safe for the server's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// instance is a running quotient server under test.
type instance struct {
	t      testing.TB
	base   string
	out    *syncBuffer
	log    *syncBuffer // the server's log (its standard error)
	client *http.Client
	stop   func() int
}

const testBootstrap = "bootstrap-token-for-tests-0123456789"

// start runs "quotient <args>" with the database and a bootstrap admin
// token, on a free loopback port, and stops it when the test ends.
func start(t testing.TB, dbURL string, env map[string]string, args ...string) *instance {
	t.Helper()
	vars := map[string]string{"QUOTIENT_DATABASE_URL": dbURL, "QUOTIENT_ADDR": "127.0.0.1:0",
		"QUOTIENT_BOOTSTRAP_TOKEN": testBootstrap, "QUOTIENT_LOG_FORMAT": "json"}
	for k, v := range env {
		vars[k] = v
	}
	if len(args) == 0 {
		args = []string{"serve"}
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	out, logged := &syncBuffer{}, &syncBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, args, Env{Getenv: func(k string) string { return vars[k] }, Stdout: out, Stderr: logged,
			Ready: func(addr string) { ready <- addr }})
	}()
	var a *instance
	select {
	case addr := <-ready:
		a = &instance{t: t, base: "http://" + addr, out: out, log: logged, client: &http.Client{Timeout: 30 * time.Second}}
	case code := <-done:
		cancel()
		t.Fatalf("quotient %v exited with %d before listening; output:\n%s", args, code, out.String())
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatalf("quotient %v did not start within 60s", args)
	}
	var once sync.Once
	code := 0
	a.stop = func() int {
		once.Do(func() {
			cancel()
			select {
			case code = <-done:
			case <-time.After(30 * time.Second):
				t.Errorf("server did not shut down within 30s")
			}
		})
		return code
	}
	t.Cleanup(func() { a.stop() })
	return a
}

// resp is an HTTP response with its body read.
type resp struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a map (objects) for quick assertions.
func (r resp) json(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

func (r resp) str(t testing.TB, key string) string {
	t.Helper()
	v, _ := r.json(t)[key].(string)
	return v
}

// list returns the data array of a list response.
func (r resp) list(t testing.TB) []map[string]any {
	t.Helper()
	raw, ok := r.json(t)["data"].([]any)
	if !ok {
		t.Fatalf("no data array in %s", r.body)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

// firstField returns errors[0].field of a problem response.
func (r resp) field(t testing.TB) string {
	t.Helper()
	errs, _ := r.json(t)["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	f, _ := errs[0].(map[string]any)["field"].(string)
	return f
}

// call sends a request. body may be nil, a string (sent raw) or a value
// (sent as JSON). headers alternate name, value.
func (a *instance) call(method, path, token string, body any, headers ...string) resp {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: raw}
}

// must sends a request and fails the test unless the status is want.
func (a *instance) must(want int, method, path, token string, body any, headers ...string) resp {
	a.t.Helper()
	r := a.call(method, path, token, body, headers...)
	if r.status != want {
		a.t.Fatalf("%s %s: got status %d, want %d; body: %s", method, path, r.status, want, r.body)
	}
	return r
}

// team is a set of users with tokens, made through the API.
type team struct {
	admin, manager, rep, rep2, outsider, finance string
	ids                                          map[string]string
}

// makeTeam creates a manager with two reps, a rep outside the team and a
// finance user, each with a token, all through the API.
func (a *instance) makeTeam() team {
	a.t.Helper()
	tm := team{admin: testBootstrap, ids: map[string]string{}}
	mk := func(name, role, manager string) string {
		body := map[string]any{"name": name, "email": strings.ToLower(name) + "@example.com", "role": role, "quota": "100000"}
		if manager != "" {
			body["manager_id"] = tm.ids[manager]
		}
		u := a.must(201, "POST", "/api/v1/users", tm.admin, body)
		tm.ids[name] = u.str(a.t, "id")
		tok := a.must(201, "POST", "/api/v1/tokens", tm.admin, map[string]any{"user_id": tm.ids[name], "name": "test"})
		return tok.str(a.t, "token")
	}
	tm.manager = mk("Manager", "sales_manager", "")
	tm.rep = mk("Rep", "sales_rep", "Manager")
	tm.rep2 = mk("Rep2", "sales_rep", "Manager")
	tm.outsider = mk("Outsider", "sales_rep", "")
	tm.finance = mk("Finance", "finance", "")
	return tm
}

func jsonBody(format string, args ...any) string { return fmt.Sprintf(format, args...) }

// with returns the instance reporting to another test (a fuzz target's t).
func (a *instance) with(t testing.TB) *instance {
	b := *a
	b.t = t
	return &b
}

// as decodes a response into the API's type for it; a field the type
// lacks fails the test, so every response is checked against its
// documented shape.
func as[T any](t testing.TB, r resp) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("body is not a %T: %v\n%s", v, err, r.body)
	}
	return v
}

// listBody is a list response.
type listBody[T any] struct {
	Data       []T    `json:"data"`
	NextCursor string `json:"next_cursor"`
}

// page decodes a list response's data.
func page[T any](t testing.TB, r resp) []T {
	t.Helper()
	return as[listBody[T]](t, r).Data
}

// scenario runs a long test as steps in order, each a subtest with the
// instance reporting to it; the first failing step ends the scenario.
type scenario struct {
	t *testing.T
	a *instance
}

func (s scenario) step(name string, fn func(t *testing.T, a *instance)) {
	s.t.Helper()
	if !s.t.Run(name, func(t *testing.T) { fn(t, s.a.with(t)) }) {
		s.t.FailNow()
	}
}

// posted describes the entry a document posted: account → "D 12.50" or
// "C 12.50".
func posted(t testing.TB, a *instance, token, sourceType, sourceID string) map[string]string {
	t.Helper()
	es := page[server.JournalEntryJSON](t, a.must(200, "GET", "/api/v1/ledger/entries?source_type="+sourceType+"&source_id="+sourceID, token, nil))
	if len(es) != 1 {
		t.Fatalf("entries of %s %s: %+v", sourceType, sourceID, es)
	}
	out := map[string]string{}
	for _, l := range es[0].Lines {
		if dec(t, l.Debit).IsPositive() {
			out[l.AccountCode] = "D " + l.Debit
		} else {
			out[l.AccountCode] = "C " + l.Credit
		}
	}
	return out
}

// wantPosted fails unless a document posted exactly these lines.
func wantPosted(t testing.TB, a *instance, token, sourceType, sourceID string, want map[string]string) {
	t.Helper()
	if got := posted(t, a, token, sourceType, sourceID); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s %s posted %v, want %v", sourceType, sourceID, got, want)
	}
}
