package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/inventory"
)

// WarehouseJSON is a warehouse.
type WarehouseJSON struct {
	ID        string    `json:"id"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Priority  int       `json:"priority"`
	Active    bool      `json:"active"`
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// WarehouseRequest creates a warehouse (code and name required; priority:
// lower is used first) or changes one.
type WarehouseRequest struct {
	Code     *string `json:"code" maxLength:"20"`
	Name     *string `json:"name" maxLength:"200"`
	Priority *int    `json:"priority"`
	Active   *bool   `json:"active"`
}

func warehouseJSON(w inventory.Warehouse) WarehouseJSON {
	return WarehouseJSON{ID: w.ID, Code: w.Code, Name: w.Name, Priority: w.Priority, Active: w.Active, Version: w.Version,
		CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt}
}

func (r WarehouseRequest) input() (inventory.Warehouse, error) {
	w := inventory.Warehouse{Code: strOr(r.Code), Name: strOr(r.Name)}
	if r.Priority != nil {
		w.Priority = *r.Priority
	}
	if r.Active != nil && !*r.Active {
		return w, quotient.FieldErrorf(quotient.Unprocessable, "active", "a new warehouse is active; deactivate it afterwards")
	}
	return w, nil
}

func (r WarehouseRequest) patch() (inventory.WarehousePatch, error) {
	return inventory.WarehousePatch{Code: r.Code, Name: r.Name, Priority: r.Priority, Active: r.Active}, nil
}

// LevelJSON is the stock of a product in a warehouse.
type LevelJSON struct {
	ProductID   string `json:"product_id"`
	WarehouseID string `json:"warehouse_id"`
	OnHand      string `json:"on_hand" format:"decimal"`
	Reserved    string `json:"reserved" format:"decimal"`
	Available   string `json:"available" format:"decimal"`
}

func levelJSON(l inventory.Level) LevelJSON {
	return LevelJSON{ProductID: l.ProductID, WarehouseID: l.WarehouseID, OnHand: l.OnHand.String(), Reserved: l.Reserved.String(),
		Available: l.Available().String()}
}

// MovementJSON is one change of stock.
type MovementJSON struct {
	ID          string    `json:"id"`
	ProductID   string    `json:"product_id"`
	WarehouseID string    `json:"warehouse_id"`
	Kind        string    `json:"kind" enum:"receipt,adjustment,shipment,reservation,release"`
	Quantity    string    `json:"quantity" format:"decimal"`
	UnitCost    *string   `json:"unit_cost" format:"decimal"`
	Reference   string    `json:"reference"`
	Reason      string    `json:"reason"`
	ActorID     string    `json:"actor_id"`
	At          time.Time `json:"at"`
}

func movementJSON(m inventory.Movement) MovementJSON {
	return MovementJSON{ID: m.ID, ProductID: m.ProductID, WarehouseID: m.WarehouseID, Kind: m.Kind, Quantity: m.Quantity.String(),
		UnitCost: fmtDecPtr(m.UnitCost), Reference: m.Reference, Reason: m.Reason, ActorID: m.ActorID, At: m.At}
}

// ReceiptLineJSON is a product received.
type ReceiptLineJSON struct {
	ProductID string `json:"product_id"`
	Quantity  *Dec   `json:"quantity"`
	UnitCost  *Dec   `json:"unit_cost,omitempty"`
}

// ReceiptRequest books goods into a warehouse.
type ReceiptRequest struct {
	WarehouseID string            `json:"warehouse_id"`
	Reference   string            `json:"reference" maxLength:"200"`
	Lines       []ReceiptLineJSON `json:"lines"`
}

func (r ReceiptRequest) input() (inventory.ReceiptInput, error) {
	p := quotient.Problems{}
	in := inventory.ReceiptInput{WarehouseID: r.WarehouseID, Reference: r.Reference}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d]", i)
		if l.Quantity == nil {
			p.Add(f+".quantity", "is required")
		}
		in.Lines = append(in.Lines, inventory.ReceiptLine{ProductID: l.ProductID, Quantity: l.Quantity.Value(&p, f+".quantity"),
			UnitCost: l.UnitCost.Ptr(&p, f+".unit_cost")})
	}
	return in, p.Err()
}

// ReceiptJSON is the movements a receipt made.
type ReceiptJSON struct {
	Movements []MovementJSON `json:"movements"`
}

// AdjustmentRequest corrects stock by a signed quantity.
type AdjustmentRequest struct {
	WarehouseID string `json:"warehouse_id"`
	ProductID   string `json:"product_id"`
	Quantity    *Dec   `json:"quantity"`
	Reason      string `json:"reason" maxLength:"500"`
}

func (r AdjustmentRequest) input() (inventory.AdjustmentInput, error) {
	p := quotient.Problems{}
	if r.Quantity == nil {
		p.Add("quantity", "is required")
	}
	in := inventory.AdjustmentInput{WarehouseID: r.WarehouseID, ProductID: r.ProductID, Quantity: r.Quantity.Value(&p, "quantity"), Reason: r.Reason}
	return in, p.Err()
}

var (
	warehouseView   = view[inventory.Warehouse, WarehouseJSON]{version: func(w inventory.Warehouse) int { return w.Version }, json: warehouseJSON}
	inventoryFilter = []string{"product_id", "warehouse_id"}
)

func (s *Server) listWarehouses() fiber.Handler {
	return listOf(func(w inventory.Warehouse) string { return w.ID }, warehouseJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]inventory.Warehouse, error) {
			return s.app.Warehouses(ctx, p)
		})
}

func (s *Server) createWarehouse() fiber.Handler {
	return createOne(warehouseView, WarehouseRequest.input, func(w inventory.Warehouse) string { return v1 + "/warehouses/" + w.ID },
		func(ctx context.Context, c *fiber.Ctx, in inventory.Warehouse) (inventory.Warehouse, error) {
			return s.app.CreateWarehouse(ctx, in)
		})
}

func (s *Server) getWarehouse() fiber.Handler {
	return getOne(warehouseView, func(ctx context.Context, c *fiber.Ctx) (inventory.Warehouse, error) {
		return s.app.Warehouse(ctx, c.Params("id"))
	})
}

func (s *Server) patchWarehouse() fiber.Handler {
	return patchOne(warehouseView, WarehouseRequest.patch, func(ctx context.Context, c *fiber.Ctx, v int, p inventory.WarehousePatch) (inventory.Warehouse, error) {
		return s.app.UpdateWarehouse(ctx, c.Params("id"), v, p)
	})
}

func (s *Server) listLevels() fiber.Handler {
	return listOf(func(l inventory.Level) string { return l.ProductID + "/" + l.WarehouseID }, levelJSON, inventoryFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]inventory.Level, error) {
			return s.app.StockLevels(ctx, inventory.Filter{ProductID: f["product_id"], WarehouseID: f["warehouse_id"], Page: p})
		})
}

func (s *Server) listMovements() fiber.Handler {
	return listOf(func(m inventory.Movement) string { return m.ID }, movementJSON, inventoryFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]inventory.Movement, error) {
			return s.app.StockMovements(ctx, inventory.Filter{ProductID: f["product_id"], WarehouseID: f["warehouse_id"], Page: p})
		})
}

func (s *Server) receive() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, ReceiptRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) ([]inventory.Movement, error) {
			return s.app.ReceiveStock(ctx, in)
		}, func(ms []inventory.Movement) response {
			return response{status: fiber.StatusCreated, body: ReceiptJSON{Movements: mapSlice(ms, movementJSON)}}
		})
	}
}

func (s *Server) adjust() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, AdjustmentRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (inventory.Movement, error) {
			return s.app.AdjustStock(ctx, in)
		}, func(m inventory.Movement) response {
			return response{status: fiber.StatusCreated, body: movementJSON(m)}
		})
	}
}
