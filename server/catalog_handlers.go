package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/catalog"
)

var (
	productView   = view[catalog.Product, ProductJSON]{version: func(p catalog.Product) int { return p.Version }, json: productJSON}
	priceBookView = view[catalog.PriceBook, PriceBookJSON]{version: func(b catalog.PriceBook) int { return b.Version }, json: priceBookJSON}
	entryView     = view[app.PricedEntry, EntryJSON]{version: func(e app.PricedEntry) int { return e.Version }, json: func(e app.PricedEntry) EntryJSON { return entryJSON(e.Currency)(e.Entry) }}

	productFilters   = []string{"family", "kind", "active", "q"}
	priceBookFilters = []string{"currency", "q"}
	entryFilters     = []string{"product_id"}
)

func (s *Server) listProducts() fiber.Handler {
	return listOf(func(p catalog.Product) string { return p.ID }, productJSON, productFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]catalog.Product, error) {
			filter := catalog.ProductFilter{Page: p, Family: f["family"], Kind: f["kind"], Q: f["q"]}
			if v, ok := f["active"]; ok {
				b, err := strconv.ParseBool(v)
				if err != nil {
					return nil, invalid("active", "must be true or false (got %q)", v)
				}
				filter.Active = &b
			}
			return s.app.Products(ctx, filter)
		})
}

func (s *Server) createProduct() fiber.Handler {
	return createOne(productView, ProductRequest.input, func(p catalog.Product) string { return v1 + "/products/" + p.ID },
		func(ctx context.Context, c *fiber.Ctx, in catalog.ProductInput) (catalog.Product, error) {
			return s.app.CreateProduct(ctx, in)
		})
}

func (s *Server) getProduct() fiber.Handler {
	return getOne(productView, func(ctx context.Context, c *fiber.Ctx) (catalog.Product, error) {
		return s.app.Product(ctx, c.Params("id"))
	})
}

func (s *Server) patchProduct() fiber.Handler {
	return patchOne(productView, ProductRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p catalog.ProductPatch) (catalog.Product, error) {
		return s.app.UpdateProduct(ctx, c.Params("id"), v, p)
	})
}

// deleteProduct deletes an unused product (204) or, when a bundle or a
// document refers to it, deactivates it and returns it (200).
func (s *Server) deleteProduct() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (app.Removed, error) {
			return s.app.DeleteProduct(ctx, c.Params("id"))
		}, func(r app.Removed) response {
			if r.Deleted {
				return response{status: fiber.StatusNoContent}
			}
			return response{status: fiber.StatusOK, version: r.Product.Version, body: productJSON(r.Product)}
		})
	}
}

func (s *Server) listPriceBooks() fiber.Handler {
	return listOf(func(b catalog.PriceBook) string { return b.ID }, priceBookJSON, priceBookFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]catalog.PriceBook, error) {
			return s.app.PriceBooks(ctx, catalog.PriceBookFilter{Page: p,
				Currency: f["currency"], Q: f["q"]})
		})
}

func (s *Server) createPriceBook() fiber.Handler {
	return createOne(priceBookView, PriceBookRequest.input, func(b catalog.PriceBook) string { return v1 + "/price-books/" + b.ID },
		func(ctx context.Context, c *fiber.Ctx, in catalog.PriceBookInput) (catalog.PriceBook, error) {
			return s.app.CreatePriceBook(ctx, in)
		})
}

func (s *Server) getPriceBook() fiber.Handler {
	return getOne(priceBookView, func(ctx context.Context, c *fiber.Ctx) (catalog.PriceBook, error) {
		return s.app.PriceBook(ctx, c.Params("id"))
	})
}

func (s *Server) patchPriceBook() fiber.Handler {
	return patchOne(priceBookView, PriceBookRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p catalog.PriceBookPatch) (catalog.PriceBook, error) {
		return s.app.UpdatePriceBook(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) deletePriceBook() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeletePriceBook(ctx, c.Params("id"))
	})
}

func (s *Server) listEntries() fiber.Handler {
	return listOf(func(e app.PricedEntry) string { return e.ID }, entryView.json, entryFilters,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]app.PricedEntry, error) {
			return s.app.Entries(ctx, catalog.EntryFilter{Page: p, PriceBookID: c.Params("id"), ProductID: f["product_id"]})
		})
}

func (s *Server) createEntry() fiber.Handler {
	return createOne(entryView, EntryRequest.input, func(e app.PricedEntry) string { return v1 + "/price-books/" + e.PriceBookID + "/entries/" + e.ID },
		func(ctx context.Context, c *fiber.Ctx, in catalog.EntryInput) (app.PricedEntry, error) {
			return s.app.CreateEntry(ctx, c.Params("id"), in)
		})
}

func (s *Server) getEntry() fiber.Handler {
	return getOne(entryView, func(ctx context.Context, c *fiber.Ctx) (app.PricedEntry, error) {
		return s.app.Entry(ctx, c.Params("id"), c.Params("entry_id"))
	})
}

func (s *Server) patchEntry() fiber.Handler {
	return patchOne(entryView, EntryRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p catalog.EntryPatch) (app.PricedEntry, error) {
		return s.app.UpdateEntry(ctx, c.Params("id"), c.Params("entry_id"), v, p)
	})
}

func (s *Server) deleteEntry() fiber.Handler {
	return deleteOne(func(ctx context.Context, c *fiber.Ctx) error {
		return s.app.DeleteEntry(ctx, c.Params("id"), c.Params("entry_id"))
	})
}
