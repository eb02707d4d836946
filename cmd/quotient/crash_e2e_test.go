package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// binary builds quotient once per test run.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "quotient-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "quotient")
		out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = err
			t.Logf("go build: %s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("build quotient: %v", buildErr)
	}
	return builtBin
}

// process is quotient serving from a process of its own, which a test
// can kill outright.
type process struct {
	*instance
	cmd    *exec.Cmd
	stderr *syncBuffer
}

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:[0-9]+)`)

// startProcess runs "quotient serve" on a free loopback port.
func startProcess(t *testing.T, db string, env ...string) *process {
	t.Helper()
	cmd := exec.Command(binary(t), "serve")
	cmd.Env = append(os.Environ(), "QUOTIENT_DATABASE_URL="+db, "QUOTIENT_ADDR=127.0.0.1:0", "QUOTIENT_BOOTSTRAP_TOKEN="+testBootstrap,
		"QUOTIENT_LOG_FORMAT=json", "QUOTIENT_WORKER_INTERVAL=1h")
	cmd.Env = append(cmd.Env, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, stderr: &syncBuffer{}}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		_, _ = io.Copy(io.Discard, stdout)
	}()
	select {
	case base := <-addr:
		p.instance = &instance{t: t, base: base, out: &syncBuffer{}, log: p.stderr, client: &http.Client{Timeout: 30 * time.Second}}
	case <-time.After(60 * time.Second):
		t.Fatalf("quotient did not start within 60 s: %s", p.stderr.String())
	}
	return p
}

// kill ends the process with SIGKILL: no shutdown, no rollback of its own.
func (p *process) kill() {
	if p.cmd.ProcessState != nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	_ = p.cmd.Wait()
}

// TestCrashBeforeCommitRunsOnceOnRetry: the server process is killed
// (SIGKILL) after a conversion recorded its Idempotency-Key and before it
// committed; restarted, the retry with the same key converts the quote,
// once: one order, one invoice, and quotient check passes. A second retry
// replays the answer.
func TestCrashBeforeCommitRunsOnceOnRetry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		first := startProcess(t, db, "QUOTIENT_FAULT=pause-before-commit")
		a := first.instance
		tm := a.makeTeam()
		f := newStockFixture(t, a, tm)
		svc := f.product(t, a, tm, map[string]any{"sku": "SETUP", "name": "Setup", "family": "services", "kind": "service"}, "800")
		q := f.approvedQuote(t, a, tm.rep, svc, "1")

		done := make(chan resp, 1)
		go func() {
			req, _ := http.NewRequest("POST", a.base+"/api/v1/quotes/"+q+"/convert", nil)
			req.Header.Set("Authorization", "Bearer "+tm.rep)
			req.Header.Set("Idempotency-Key", "convert-once")
			res, err := (&http.Client{Timeout: time.Minute}).Do(req)
			if err != nil {
				done <- resp{status: -1}
				return
			}
			res.Body.Close()
			done <- resp{status: res.StatusCode}
		}()
		for deadline := time.Now().Add(30 * time.Second); !strings.Contains(first.stderr.String(), "fault: paused before commit"); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the conversion never reached its commit: %s", first.stderr.String())
			}
		}
		first.kill()
		if r := <-done; r.status != -1 {
			t.Fatalf("the killed server answered %d", r.status)
		}

		second := startProcess(t, db)
		b := second.instance
		if got := page[server.OrderJSON](t, b.must(200, "GET", "/api/v1/orders?quote_id="+q, tm.rep, nil)); len(got) != 0 {
			t.Fatalf("the killed conversion left an order: %+v", got)
		}
		made := b.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil, "Idempotency-Key", "convert-once")
		again := b.must(201, "POST", "/api/v1/quotes/"+q+"/convert", tm.rep, nil, "Idempotency-Key", "convert-once")
		if string(made.body) != string(again.body) || again.header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("the second retry was not replayed: %s / %s", made.body, again.body)
		}
		orders := page[server.OrderJSON](t, b.must(200, "GET", "/api/v1/orders?quote_id="+q, tm.rep, nil))
		if len(orders) != 1 {
			t.Fatalf("orders after the retry: %+v", orders)
		}
		if inv := page[server.InvoiceJSON](t, b.must(200, "GET", "/api/v1/invoices?order_id="+orders[0].ID, tm.finance, nil)); len(inv) != 1 {
			t.Fatalf("invoices after the retry: %+v", inv)
		}
		if ok := as[server.InvariantReportJSON](t, b.must(200, "GET", "/api/v1/admin/check", tm.admin, nil)); !ok.OK {
			t.Fatalf("check after the crash: %+v", ok)
		}
	})
}
