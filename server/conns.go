package server

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/valyala/fasthttp"
)

// connTracker knows, for every open connection, whether a request is being
// handled on it, so that shutdown can let requests in flight finish while
// closing everything else. fasthttp alone cannot: it counts a connection
// that was opened but never sent a request (a client's spare keep-alive
// dial) as active, and waits for it until the read timeout.
type connTracker struct {
	mu    sync.Mutex
	conns map[net.Conn]*connInfo
}

type connInfo struct {
	busy  int
	since time.Time
}

// hook is fasthttp's ConnState callback.
func (t *connTracker) hook(c net.Conn, st fasthttp.ConnState) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conns == nil {
		t.conns = map[net.Conn]*connInfo{}
	}
	switch st {
	case fasthttp.StateClosed, fasthttp.StateHijacked:
		delete(t.conns, c)
	default:
		if info, ok := t.conns[c]; ok {
			info.since = time.Now()
		} else {
			t.conns[c] = &connInfo{since: time.Now()}
		}
	}
}

// begin and end bracket the handling of one request on a connection.
func (t *connTracker) begin(c net.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if info, ok := t.conns[c]; ok {
		info.busy++
	}
}

func (t *connTracker) end(c net.Conn) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if info, ok := t.conns[c]; ok {
		info.busy--
		info.since = time.Now()
	}
}

// closeIdle closes connections with no request in progress whose last
// activity is older than grace (a request's bytes may be arriving).
func (t *connTracker) closeIdle(grace time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for c, info := range t.conns {
		if info.busy == 0 && time.Since(info.since) >= grace {
			_ = c.Close()
			delete(t.conns, c)
		}
	}
}

// shutdown runs fasthttp's graceful shutdown (stop accepting, let requests
// in flight finish) while closing idle connections until it is done.
func (t *connTracker) shutdown(ctx context.Context, stop func(context.Context) error) error {
	done := make(chan error, 1)
	go func() { done <- stop(ctx) }()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		t.closeIdle(200 * time.Millisecond)
		select {
		case err := <-done:
			return err
		case <-tick.C:
		}
	}
}
