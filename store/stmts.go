package store

import (
	"context"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// stmtCache keeps the statements a pool runs often prepared on each of
// its connections, so the database parses and plans them once per
// connection instead of on every call (on PostgreSQL the plan of a
// conversion's statements took a third of its time). A statement is
// prepared once its text has been seen twice; texts seen once (an IN
// list of an unusual length) are not, and at most maxPrepared texts are
// ever prepared, so a pool's prepared statements stay bounded on every
// connection.
type stmtCache struct {
	pool  *sqlx.DB
	mu    sync.Mutex
	seen  map[string]int
	ready map[string]*sqlx.Stmt
	// preparing counts statements being prepared; closed is set when the
	// pool closes.
	preparing int
	closed    bool
}

const (
	prepareAfter = 2
	maxPrepared  = 2000
	maxSeen      = 50000
)

func newStmtCache(pool *sqlx.DB) *stmtCache {
	return &stmtCache{pool: pool, seen: map[string]int{}, ready: map[string]*sqlx.Stmt{}}
}

// get returns the prepared statement of q, or nil: run q unprepared.
// The second time it sees q it prepares it in the background: preparing
// takes a connection of the pool, and a caller inside a transaction
// holds one already, so waiting for another could wait forever when
// every connection is in a transaction.
func (c *stmtCache) get(q string) *sqlx.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.ready[q]; ok {
		return s
	}
	if c.closed || len(c.ready)+c.preparing >= maxPrepared {
		return nil
	}
	if len(c.seen) >= maxSeen {
		clear(c.seen)
	}
	c.seen[q]++
	if c.seen[q] != prepareAfter {
		return nil
	}
	c.preparing++
	go c.prepare(q)
	return nil
}

func (c *stmtCache) prepare(q string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s, err := c.pool.PreparexContext(ctx, q)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.preparing--
	delete(c.seen, q)
	if err != nil {
		return // it goes on running unprepared, and reports its own errors
	}
	if _, dup := c.ready[q]; dup || c.closed {
		_ = s.Close()
		return
	}
	c.ready[q] = s
}

// close releases every prepared statement.
func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	for q, s := range c.ready {
		_ = s.Close()
		delete(c.ready, q)
	}
}
