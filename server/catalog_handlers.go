package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/catalog"
)

// pricedEntry is an entry with the currency of its book, which its
// amounts are formatted in.
type pricedEntry struct {
	catalog.Entry
	currency string
}

var (
	productView   = view[catalog.Product, ProductJSON]{func(p catalog.Product) int { return p.Version }, productJSON}
	priceBookView = view[catalog.PriceBook, PriceBookJSON]{func(b catalog.PriceBook) int { return b.Version }, priceBookJSON}
	entryView     = view[pricedEntry, EntryJSON]{func(e pricedEntry) int { return e.Version }, func(e pricedEntry) EntryJSON { return entryJSON(e.currency)(e.Entry) }}

	productFilters   = []string{"family", "kind", "active", "q"}
	priceBookFilters = []string{"currency", "q"}
	entryFilters     = []string{"product_id"}
)

func (s *Server) listProducts() fiber.Handler {
	return listOf(s, func(p catalog.Product) string { return p.ID }, productJSON, productFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]catalog.Product, error) {
			filter := catalog.ProductFilter{Page: catalog.Page{Limit: limit, After: after}, Family: f["family"], Kind: f["kind"], Q: f["q"]}
			if v, ok := f["active"]; ok {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return nil, invalid("active", "must be true or false (got %q)", v)
				}
				filter.Active = &b
			}
			return s.catalog.ListProducts(ctx, tx, filter)
		})
}

func (s *Server) createProduct() fiber.Handler {
	return createOne(s, productView, ProductRequest.input, func(p catalog.Product) string { return v1 + "/products/" + p.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in catalog.ProductInput) (catalog.Product, error) {
			return s.catalog.CreateProduct(ctx, tx, in)
		})
}

func (s *Server) getProduct() fiber.Handler {
	return getOne(s, productView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (catalog.Product, error) {
		return s.catalog.GetProduct(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchProduct() fiber.Handler {
	return patchOne(s, productView, ProductRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p catalog.ProductPatch) (catalog.Product, error) {
		return s.catalog.UpdateProduct(ctx, tx, c.Params("id"), v, p)
	})
}

// deleteProduct deletes an unused product (204) or, when a bundle or a
// document refers to it, deactivates it and returns it (200).
func (s *Server) deleteProduct() fiber.Handler {
	type result struct {
		p       catalog.Product
		deleted bool
	}
	return func(c *fiber.Ctx) error {
		return commit(s, c, func(ctx context.Context, tx Tx) (result, error) {
			p, deleted, err := s.catalog.DeleteProduct(ctx, tx, c.Params("id"))
			return result{p, deleted}, err
		}, func(r result) response {
			if r.deleted {
				return response{status: fiber.StatusNoContent}
			}
			return response{status: fiber.StatusOK, version: r.p.Version, body: productJSON(r.p)}
		})
	}
}

func (s *Server) listPriceBooks() fiber.Handler {
	return listOf(s, func(b catalog.PriceBook) string { return b.ID }, priceBookJSON, priceBookFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]catalog.PriceBook, error) {
			return s.catalog.ListPriceBooks(ctx, tx, catalog.PriceBookFilter{Page: catalog.Page{Limit: limit, After: after},
				Currency: f["currency"], Q: f["q"]})
		})
}

func (s *Server) createPriceBook() fiber.Handler {
	return createOne(s, priceBookView, PriceBookRequest.input, func(b catalog.PriceBook) string { return v1 + "/price-books/" + b.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in catalog.PriceBookInput) (catalog.PriceBook, error) {
			return s.catalog.CreatePriceBook(ctx, tx, in)
		})
}

func (s *Server) getPriceBook() fiber.Handler {
	return getOne(s, priceBookView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (catalog.PriceBook, error) {
		return s.catalog.GetPriceBook(ctx, tx, c.Params("id"))
	})
}

func (s *Server) patchPriceBook() fiber.Handler {
	return patchOne(s, priceBookView, PriceBookRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p catalog.PriceBookPatch) (catalog.PriceBook, error) {
		return s.catalog.UpdatePriceBook(ctx, tx, c.Params("id"), v, p)
	})
}

func (s *Server) deletePriceBook() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.catalog.DeletePriceBook(ctx, tx, c.Params("id"))
	})
}

// priced attaches the currency of the entry's book.
func (s *Server) priced(ctx context.Context, tx Tx, e catalog.Entry, err error) (pricedEntry, error) {
	if err != nil {
		return pricedEntry{}, err
	}
	b, err := s.catalog.GetPriceBook(ctx, tx, e.PriceBookID)
	return pricedEntry{e, b.Currency}, err
}

func (s *Server) listEntries() fiber.Handler {
	return listOf(s, func(e pricedEntry) string { return e.ID }, entryView.json, entryFilters,
		func(ctx context.Context, tx Tx, c *fiber.Ctx, limit int, after string, f map[string]string) ([]pricedEntry, error) {
			b, err := s.catalog.GetPriceBook(ctx, tx, c.Params("id"))
			if err != nil {
				return nil, err
			}
			es, err := s.catalog.ListEntries(ctx, tx, catalog.EntryFilter{Page: catalog.Page{Limit: limit, After: after},
				PriceBookID: b.ID, ProductID: f["product_id"]})
			out := make([]pricedEntry, len(es))
			for i, e := range es {
				out[i] = pricedEntry{e, b.Currency}
			}
			return out, err
		})
}

func (s *Server) createEntry() fiber.Handler {
	return createOne(s, entryView, EntryRequest.input, func(e pricedEntry) string { return v1 + "/price-books/" + e.PriceBookID + "/entries/" + e.ID },
		func(ctx context.Context, tx Tx, c *fiber.Ctx, in catalog.EntryInput) (pricedEntry, error) {
			e, err := s.catalog.CreateEntry(ctx, tx, c.Params("id"), in)
			return s.priced(ctx, tx, e, err)
		})
}

func (s *Server) getEntry() fiber.Handler {
	return getOne(s, entryView, func(ctx context.Context, tx Tx, c *fiber.Ctx) (pricedEntry, error) {
		e, err := s.catalog.GetEntry(ctx, tx, c.Params("id"), c.Params("entry_id"))
		return s.priced(ctx, tx, e, err)
	})
}

func (s *Server) patchEntry() fiber.Handler {
	return patchOne(s, entryView, EntryRequest.patch, func(ctx context.Context, tx Tx, c *fiber.Ctx, v int, p catalog.EntryPatch) (pricedEntry, error) {
		e, err := s.catalog.UpdateEntry(ctx, tx, c.Params("id"), c.Params("entry_id"), v, p)
		return s.priced(ctx, tx, e, err)
	})
}

func (s *Server) deleteEntry() fiber.Handler {
	return deleteOne(s, func(ctx context.Context, tx Tx, c *fiber.Ctx) error {
		return s.catalog.DeleteEntry(ctx, tx, c.Params("id"), c.Params("entry_id"))
	})
}
