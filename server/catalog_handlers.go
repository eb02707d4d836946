package server

import (
	"context"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient/catalog"
)

func (s *Server) listProducts(c *fiber.Ctx) error {
	q, f, err := parseList(c, "family", "kind", "active", "q")
	if err != nil {
		return err
	}
	filter := catalog.ProductFilter{Page: catalog.Page{Limit: q.Limit + 1, After: q.After}, Family: f["family"], Kind: f["kind"], Q: f["q"]}
	if v, ok := f["active"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return invalid("active", "must be true or false (got %q)", v)
		}
		filter.Active = &b
	}
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]catalog.Product, error) {
		return s.catalog.ListProducts(ctx, tx, filter)
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(p catalog.Product) string { return p.ID }, productJSON))
}

func (s *Server) createProduct(c *fiber.Ctx) error {
	in, err := decodeWith(c, ProductRequest.input)
	if err != nil {
		return err
	}
	p, err := change(s, c, func(ctx context.Context, tx Tx) (catalog.Product, error) {
		return s.catalog.CreateProduct(ctx, tx, in)
	})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/products/"+p.ID, p.Version, productJSON(p))
}

func (s *Server) getProduct(c *fiber.Ctx) error {
	p, err := read(s, c, func(ctx context.Context, tx Tx) (catalog.Product, error) {
		return s.catalog.GetProduct(ctx, tx, c.Params("id"))
	})
	if err != nil {
		return err
	}
	return send(c, 200, p.Version, productJSON(p))
}

func (s *Server) patchProduct(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := decodeWith(c, ProductRequest.patch)
	if err != nil {
		return err
	}
	p, err := change(s, c, func(ctx context.Context, tx Tx) (catalog.Product, error) {
		return s.catalog.UpdateProduct(ctx, tx, c.Params("id"), v, in)
	})
	if err != nil {
		return err
	}
	return send(c, 200, p.Version, productJSON(p))
}

// deleteProduct deletes an unused product (204) or, when a bundle or a
// document refers to it, deactivates it and returns it (200).
func (s *Server) deleteProduct(c *fiber.Ctx) error {
	type result struct {
		p       catalog.Product
		deleted bool
	}
	r, err := change(s, c, func(ctx context.Context, tx Tx) (result, error) {
		p, deleted, err := s.catalog.DeleteProduct(ctx, tx, c.Params("id"))
		return result{p, deleted}, err
	})
	if err != nil {
		return err
	}
	if r.deleted {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return send(c, 200, r.p.Version, productJSON(r.p))
}

func (s *Server) listPriceBooks(c *fiber.Ctx) error {
	q, f, err := parseList(c, "currency", "q")
	if err != nil {
		return err
	}
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]catalog.PriceBook, error) {
		return s.catalog.ListPriceBooks(ctx, tx, catalog.PriceBookFilter{Page: catalog.Page{Limit: q.Limit + 1, After: q.After},
			Currency: f["currency"], Q: f["q"]})
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(b catalog.PriceBook) string { return b.ID }, priceBookJSON))
}

func (s *Server) createPriceBook(c *fiber.Ctx) error {
	in, err := decodeWith(c, PriceBookRequest.input)
	if err != nil {
		return err
	}
	b, err := change(s, c, func(ctx context.Context, tx Tx) (catalog.PriceBook, error) {
		return s.catalog.CreatePriceBook(ctx, tx, in)
	})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/price-books/"+b.ID, b.Version, priceBookJSON(b))
}

func (s *Server) getPriceBook(c *fiber.Ctx) error {
	b, err := read(s, c, func(ctx context.Context, tx Tx) (catalog.PriceBook, error) {
		return s.catalog.GetPriceBook(ctx, tx, c.Params("id"))
	})
	if err != nil {
		return err
	}
	return send(c, 200, b.Version, priceBookJSON(b))
}

func (s *Server) patchPriceBook(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := decodeWith(c, PriceBookRequest.patch)
	if err != nil {
		return err
	}
	b, err := change(s, c, func(ctx context.Context, tx Tx) (catalog.PriceBook, error) {
		return s.catalog.UpdatePriceBook(ctx, tx, c.Params("id"), v, in)
	})
	if err != nil {
		return err
	}
	return send(c, 200, b.Version, priceBookJSON(b))
}

func (s *Server) deletePriceBook(c *fiber.Ctx) error {
	if err := s.write(c, func(ctx context.Context, tx Tx) error { return s.catalog.DeletePriceBook(ctx, tx, c.Params("id")) }); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// bookCurrency loads the currency entries of a book are formatted in.
func (s *Server) bookCurrency(ctx context.Context, tx Tx, id string) (string, error) {
	b, err := s.catalog.GetPriceBook(ctx, tx, id)
	return b.Currency, err
}

func (s *Server) listEntries(c *fiber.Ctx) error {
	q, f, err := parseList(c, "product_id")
	if err != nil {
		return err
	}
	var cur string
	rows, err := read(s, c, func(ctx context.Context, tx Tx) ([]catalog.Entry, error) {
		var err error
		if cur, err = s.bookCurrency(ctx, tx, c.Params("id")); err != nil {
			return nil, err
		}
		return s.catalog.ListEntries(ctx, tx, catalog.EntryFilter{Page: catalog.Page{Limit: q.Limit + 1, After: q.After},
			PriceBookID: c.Params("id"), ProductID: f["product_id"]})
	})
	if err != nil {
		return err
	}
	return send(c, 200, 0, pageOf(rows, q.Limit, func(e catalog.Entry) string { return e.ID }, entryJSON(cur)))
}

func (s *Server) createEntry(c *fiber.Ctx) error {
	in, err := decodeWith(c, EntryRequest.input)
	if err != nil {
		return err
	}
	var cur string
	e, err := change(s, c, func(ctx context.Context, tx Tx) (catalog.Entry, error) {
		e, err := s.catalog.CreateEntry(ctx, tx, c.Params("id"), in)
		if err == nil {
			cur, err = s.bookCurrency(ctx, tx, e.PriceBookID)
		}
		return e, err
	})
	if err != nil {
		return err
	}
	return created(c, "/api/v1/price-books/"+e.PriceBookID+"/entries/"+e.ID, e.Version, entryJSON(cur)(e))
}

func (s *Server) getEntry(c *fiber.Ctx) error {
	var cur string
	e, err := read(s, c, func(ctx context.Context, tx Tx) (catalog.Entry, error) {
		e, err := s.catalog.GetEntry(ctx, tx, c.Params("id"), c.Params("entry_id"))
		if err == nil {
			cur, err = s.bookCurrency(ctx, tx, e.PriceBookID)
		}
		return e, err
	})
	if err != nil {
		return err
	}
	return send(c, 200, e.Version, entryJSON(cur)(e))
}

func (s *Server) patchEntry(c *fiber.Ctx) error {
	v, err := ifMatch(c)
	if err != nil {
		return err
	}
	in, err := decodeWith(c, EntryRequest.patch)
	if err != nil {
		return err
	}
	var cur string
	e, err := change(s, c, func(ctx context.Context, tx Tx) (catalog.Entry, error) {
		e, err := s.catalog.UpdateEntry(ctx, tx, c.Params("id"), c.Params("entry_id"), v, in)
		if err == nil {
			cur, err = s.bookCurrency(ctx, tx, e.PriceBookID)
		}
		return e, err
	})
	if err != nil {
		return err
	}
	return send(c, 200, e.Version, entryJSON(cur)(e))
}

func (s *Server) deleteEntry(c *fiber.Ctx) error {
	err := s.write(c, func(ctx context.Context, tx Tx) error {
		return s.catalog.DeleteEntry(ctx, tx, c.Params("id"), c.Params("entry_id"))
	})
	if err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
