package pricing

import (
	"context"
	"sync"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/catalog"
)

// catalogCache is what pricing reads of the catalog (products with their
// components, price books, price-book entries, configuration rules) at
// one catalog version, filled as requests need it and shared by every
// request of this server. The version lives in the database and changes
// with every change of those tables (by trigger, in the changing
// transaction), so a change made through any server is seen by the next
// request to every server, which reads the version first. A cache never
// holds more than maxCachedItems of each kind; beyond that pricing reads
// the database as it did before.
type catalogCache struct {
	version  int64
	mu       sync.RWMutex
	products map[string]catalog.Product
	missing  map[string]bool // product IDs the database does not have
	books    map[string]catalog.PriceBook
	defaults map[string]catalog.PriceBook      // by currency
	entries  map[string]map[string]cachedEntry // by book, then product
	rules    map[string][]catalog.ConfigRule   // by product
	items    int
}

type cachedEntry struct {
	entry catalog.Entry
	ok    bool
}

const maxCachedItems = 200_000

func newCatalogCache(v int64) *catalogCache {
	return &catalogCache{version: v, products: map[string]catalog.Product{}, missing: map[string]bool{}, books: map[string]catalog.PriceBook{},
		defaults: map[string]catalog.PriceBook{}, entries: map[string]map[string]cachedEntry{}, rules: map[string][]catalog.ConfigRule{}}
}

// catalogAt returns the cache of catalog version v, starting a new one
// (and dropping the old) when v is not the one kept. Versions are not
// ordered: while a change spreads, a request that read the version just
// before it may replace the new cache with one of the old version, which
// the next request replaces again; each holds what its version says.
func (s *Service) catalogAt(v int64) *catalogCache {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cat == nil || s.cat.version != v {
		s.cat = newCatalogCache(v)
	}
	return s.cat
}

// room reports whether n more items fit; the caller holds the write lock.
func (c *catalogCache) room(n int) bool {
	if c.items+n > maxCachedItems {
		return false
	}
	c.items += n
	return true
}

// productsByID returns the products of ids that exist, with their
// components.
func (c *catalogCache) productsByID(ctx context.Context, st Store, ids []string) (map[string]catalog.Product, error) {
	out := make(map[string]catalog.Product, len(ids))
	var want []string
	c.mu.RLock()
	for _, id := range ids {
		if p, ok := c.products[id]; ok {
			out[id] = p
		} else if !c.missing[id] {
			want = append(want, id)
		}
	}
	c.mu.RUnlock()
	if len(want) == 0 {
		return out, nil
	}
	got, err := st.ProductsByID(ctx, want)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fits := c.room(len(want))
	for _, id := range want {
		p, ok := got[id]
		if ok {
			out[id] = p
		}
		switch {
		case !fits:
		case ok:
			c.products[id] = p
		default:
			c.missing[id] = true
		}
	}
	return out, nil
}

// entriesFor returns the book's entries of products that have one.
func (c *catalogCache) entriesFor(ctx context.Context, st Store, bookID string, ids []string) (map[string]catalog.Entry, error) {
	out := make(map[string]catalog.Entry, len(ids))
	var want []string
	c.mu.RLock()
	book := c.entries[bookID]
	for _, id := range ids {
		if e, ok := book[id]; ok {
			if e.ok {
				out[id] = e.entry
			}
		} else {
			want = append(want, id)
		}
	}
	c.mu.RUnlock()
	if len(want) == 0 {
		return out, nil
	}
	got, err := st.EntriesFor(ctx, bookID, want)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fits := c.room(len(want))
	if fits && c.entries[bookID] == nil {
		c.entries[bookID] = map[string]cachedEntry{}
	}
	for _, id := range want {
		e, ok := got[id]
		if ok {
			out[id] = e
		}
		if fits {
			c.entries[bookID][id] = cachedEntry{e, ok}
		}
	}
	return out, nil
}

// priceBook returns a price book by ID, or the currency's default when id
// is empty; what is not found is not kept.
func (c *catalogCache) priceBook(ctx context.Context, st Store, id, currency string) (catalog.PriceBook, error) {
	c.mu.RLock()
	b, ok := c.books[id]
	if id == "" {
		b, ok = c.defaults[currency]
	}
	c.mu.RUnlock()
	if ok {
		return b, nil
	}
	var err error
	if id != "" {
		b, err = st.GetPriceBook(ctx, id)
	} else {
		b, err = st.DefaultPriceBook(ctx, currency)
	}
	if err != nil {
		return b, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.room(1) {
		if id != "" {
			c.books[id] = b
		} else {
			c.defaults[currency] = b
		}
	}
	return b, nil
}

// configRules returns a product's configuration rules.
func (c *catalogCache) configRules(ctx context.Context, st Store, productID string) ([]catalog.ConfigRule, error) {
	c.mu.RLock()
	rs, ok := c.rules[productID]
	c.mu.RUnlock()
	if ok {
		return rs, nil
	}
	rs, err := st.ListConfigRules(ctx, productID, quotient.Page{Limit: 1000})
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.room(1 + len(rs)) {
		c.rules[productID] = rs
	}
	return rs, nil
}
