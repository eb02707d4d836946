package main

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/quotient-cpq/quotient/server"
	"github.com/quotient-cpq/quotient/store/storetest"
)

// tcpProxy stands between the server and PostgreSQL on loopback, so a
// test can take the database away and bring it back.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
}

func newProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target, addr: "127.0.0.1:0", conns: map[net.Conn]bool{}}
	p.up()
	t.Cleanup(p.down)
	return p
}

// up listens (on the same port after the first time) and relays.
func (p *tcpProxy) up() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatalf("proxy listen: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed by down
			}
			go p.relay(c)
		}
	}()
}

func (p *tcpProxy) relay(c net.Conn) {
	d, err := net.DialTimeout("tcp", p.target, 5*time.Second)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[c], p.conns[d] = true, true
	p.mu.Unlock()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(d, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, d); done <- struct{}{} }()
	<-done
	c.Close()
	d.Close()
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, d)
	p.mu.Unlock()
}

// down stops listening and cuts every relayed connection: to the
// server, the database has gone away.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
}

// TestDatabaseOutageIs503: while PostgreSQL is unreachable, reads and
// writes answer 503 problem JSON with Retry-After (never 500) and
// readiness fails; when it is back the same server answers again, no
// restart. The embedded SQLite database has no outage to survive; its
// I/O failures map to the same 503 (see the store's error tests).
func TestDatabaseOutageIs503(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db string) {
		u, _ := url.Parse(db)
		if u.Scheme != "postgres" {
			t.Skip("an embedded SQLite database cannot go down under a running server")
		}
		p := newProxy(t, u.Host)
		u.Host = p.addr
		a := start(t, u.String(), nil)
		tm := a.makeTeam()
		a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "Before the outage", "currency": "USD"})

		p.down()
		for _, c := range []struct{ method, path string }{{"GET", "/api/v1/accounts"}, {"POST", "/api/v1/accounts"}, {"GET", "/api/v1/reports/kpis"}} {
			r := a.call(c.method, c.path, tm.manager, map[string]any{"name": "During the outage", "currency": "USD"})
			if pr := as[server.Problem](t, r); r.status != 503 || r.header.Get("Retry-After") == "" || pr.Code != "unavailable" {
				t.Fatalf("%s %s during the outage: %d %s (Retry-After %q)", c.method, c.path, r.status, r.body, r.header.Get("Retry-After"))
			}
		}
		a.must(503, "GET", "/readyz", "", nil)

		p.up()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if r := a.call("GET", "/readyz", "", nil); r.status == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the server did not recover within 20s of the database's return")
			}
		}
		a.must(201, "POST", "/api/v1/accounts", tm.rep, map[string]any{"name": "After the outage", "currency": "USD"})
		if got := page[server.AccountJSON](t, a.must(200, "GET", "/api/v1/accounts", tm.rep, nil)); len(got) != 2 {
			t.Fatalf("accounts after the outage: %+v", got)
		}
	})
}
