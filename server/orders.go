package server

import (
	"context"
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
)

// OrderLineJSON is an order line: what was ordered, and how much of it is
// reserved, shipped, cancelled and still waiting for stock.
type OrderLineJSON struct {
	ID                  string            `json:"id"`
	LineNo              int               `json:"line_no"`
	ParentLineID        *string           `json:"parent_line_id"`
	ProductID           string            `json:"product_id"`
	SKU                 string            `json:"sku"`
	Name                string            `json:"name"`
	Stocked             bool              `json:"stocked"`
	Quantity            string            `json:"quantity" format:"decimal"`
	ReservedQuantity    string            `json:"reserved_quantity" format:"decimal"`
	FulfilledQuantity   string            `json:"fulfilled_quantity" format:"decimal"`
	BackorderedQuantity string            `json:"backordered_quantity" format:"decimal"`
	CancelledQuantity   string            `json:"cancelled_quantity" format:"decimal"`
	UnitPrice           string            `json:"unit_price" format:"decimal"`
	NetAmount           string            `json:"net_amount" format:"decimal"`
	TaxAmount           string            `json:"tax_amount" format:"decimal"`
	Configuration       map[string]string `json:"configuration"`
}

// OrderJSON is a sales order.
type OrderJSON struct {
	ID            string          `json:"id"`
	Number        string          `json:"number"`
	QuoteID       string          `json:"quote_id"`
	QuoteVersion  int             `json:"quote_version"`
	AccountID     string          `json:"account_id"`
	OwnerID       string          `json:"owner_id"`
	Currency      string          `json:"currency"`
	Status        string          `json:"status" enum:"open,on_hold,partially_fulfilled,fulfilled,cancelled,closed"`
	Subtotal      string          `json:"subtotal" format:"decimal"`
	DiscountTotal string          `json:"discount_total" format:"decimal"`
	TaxTotal      string          `json:"tax_total" format:"decimal"`
	Total         string          `json:"total" format:"decimal"`
	CancelReason  string          `json:"cancel_reason"`
	HoldReason    string          `json:"hold_reason"`
	ReleasedBy    *string         `json:"released_by"`
	ReleasedAt    *time.Time      `json:"released_at"`
	Version       int             `json:"version"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	Lines         []OrderLineJSON `json:"lines,omitempty"`
}

func orderJSON(o order.Order) OrderJSON {
	out := OrderJSON{ID: o.ID, Number: o.Number, QuoteID: o.QuoteID, QuoteVersion: o.QuoteVersion, AccountID: o.AccountID, OwnerID: o.OwnerID,
		Currency: o.Currency, Status: string(o.Shown()), Subtotal: fmtMoney(o.Subtotal, o.Currency), DiscountTotal: fmtMoney(o.Discount, o.Currency),
		TaxTotal: fmtMoney(o.Tax, o.Currency), Total: fmtMoney(o.Total, o.Currency), CancelReason: o.CancelReason, HoldReason: o.HoldReason,
		ReleasedBy: optStr(o.ReleasedBy), ReleasedAt: o.ReleasedAt, Version: o.Version, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
	for _, l := range o.Lines {
		lj := OrderLineJSON{ID: l.ID, LineNo: l.LineNo, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name, Stocked: l.Stocked,
			Quantity: l.Quantity.String(), ReservedQuantity: l.Reserved.String(),
			FulfilledQuantity: l.Fulfilled.String(), BackorderedQuantity: l.Backordered().String(),
			CancelledQuantity: l.Cancelled.String(), UnitPrice: l.UnitPrice.String(), NetAmount: fmtMoney(l.NetAmount, o.Currency),
			TaxAmount: fmtMoney(l.TaxAmount, o.Currency), Configuration: l.Configuration}
		if l.ParentLineID != "" {
			lj.ParentLineID = &l.ParentLineID
		}
		if lj.Configuration == nil {
			lj.Configuration = map[string]string{}
		}
		out.Lines = append(out.Lines, lj)
	}
	if o.Lines != nil && out.Lines == nil {
		out.Lines = []OrderLineJSON{}
	}
	return out
}

// ReservationJSON is stock held for an order line in a warehouse.
type ReservationJSON struct {
	ID          string    `json:"id"`
	OrderID     string    `json:"order_id"`
	OrderLineID string    `json:"order_line_id"`
	ProductID   string    `json:"product_id"`
	WarehouseID string    `json:"warehouse_id"`
	Quantity    string    `json:"quantity" format:"decimal"`
	Status      string    `json:"status" enum:"open,shipped,released"`
	CreatedAt   time.Time `json:"created_at"`
}

func reservationJSON(h inventory.Held) ReservationJSON {
	return ReservationJSON{ID: h.ID, OrderID: h.OrderID, OrderLineID: h.OrderLineID, ProductID: h.ProductID, WarehouseID: h.WarehouseID,
		Quantity: h.Quantity.String(), Status: h.Status, CreatedAt: h.At}
}

// ConvertRequest records a signature the rep obtained offline.
type ConvertRequest struct {
	SignerName  string `json:"signer_name" maxLength:"200"`
	SignerEmail string `json:"signer_email"`
	Reason      string `json:"reason" maxLength:"2000"`
}

var orderFilter = []string{"account_id", "quote_id", "status"}

// convertQuote is POST /quotes/{id}/convert: the quote is accepted on the
// customer's behalf and its order made, in one transaction. A repeat
// returns the same order with 200.
func (s *Server) convertQuote() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[ConvertRequest](c)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.Ordered, error) {
			return s.app.ConvertQuote(ctx, c.Params("id"), quote.ConvertInput{SignerName: req.SignerName, SignerEmail: req.SignerEmail, Reason: req.Reason})
		}, func(m app.Ordered) response {
			r := response{status: fiber.StatusOK, version: m.Order.Version, body: orderJSON(m.Order), location: v1 + "/orders/" + m.Order.ID}
			if m.Created {
				r.status = fiber.StatusCreated
			}
			return r
		})
	}
}

// releaseOrder lifts an order's credit hold.
func (s *Server) releaseOrder() fiber.Handler {
	return func(c *fiber.Ctx) error {
		return commit(c, func(ctx context.Context) (order.Order, error) {
			return s.app.ReleaseOrder(ctx, c.Params("id"))
		}, func(o order.Order) response {
			return response{status: fiber.StatusOK, version: o.Version, body: orderJSON(o)}
		})
	}
}

var orderView = view[order.Order, OrderJSON]{version: func(o order.Order) int { return o.Version }, json: orderJSON}

func (s *Server) listOrders() fiber.Handler {
	return listOf(func(o order.Order) string { return o.ID }, orderJSON, orderFilter,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]order.Order, error) {
			return s.app.Orders(ctx, order.Filter{AccountID: f["account_id"], QuoteID: f["quote_id"], Status: f["status"], Page: p})
		})
}

func (s *Server) getOrder() fiber.Handler {
	return getOne(orderView, func(ctx context.Context, c *fiber.Ctx) (order.Order, error) {
		return s.app.Order(ctx, c.Params("id"))
	})
}

func (s *Server) listReservations() fiber.Handler {
	return listOf(func(h inventory.Held) string { return h.ID }, reservationJSON, []string{"order_id"},
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, f map[string]string) ([]inventory.Held, error) {
			hs, err := s.app.Reservations(ctx, f["order_id"])
			return pageAfter(hs, func(h inventory.Held) string { return h.ID }, p), err
		})
}

// pageAfter cuts an id-sorted slice to the page after a cursor.
func pageAfter[T any](xs []T, id func(T) string, p quotient.Page) []T {
	limit, after := p.Limit, p.After
	i := 0
	for i < len(xs) && after != "" && id(xs[i]) <= after {
		i++
	}
	xs = xs[i:]
	if limit > 0 && len(xs) > limit {
		xs = xs[:limit]
	}
	return xs
}

// FulfillmentLineJSON is a quantity of an order line to ship.
type FulfillmentLineJSON struct {
	OrderLineID string `json:"order_line_id"`
	Quantity    *Dec   `json:"quantity"`
}

// FulfillmentRequest ships reserved quantities from one warehouse.
type FulfillmentRequest struct {
	WarehouseID string                `json:"warehouse_id"`
	ShippedOn   string                `json:"shipped_on" format:"date"`
	Reference   string                `json:"reference" maxLength:"200"`
	Lines       []FulfillmentLineJSON `json:"lines"`
}

func (r FulfillmentRequest) input() (order.FulfillInput, error) {
	p := quotient.Problems{}
	in := order.FulfillInput{WarehouseID: r.WarehouseID, ShippedOn: p.Date("shipped_on", r.ShippedOn, quotient.Optional), Reference: r.Reference}
	for i, l := range r.Lines {
		f := fmt.Sprintf("lines[%d].quantity", i)
		if l.Quantity == nil {
			p.Add(f, "is required")
		}
		in.Lines = append(in.Lines, order.FulfillLine{OrderLineID: l.OrderLineID, Quantity: l.Quantity.Value(&p, f)})
	}
	return in, p.Err()
}

// ShipmentLineJSON is how much of an order line a shipment sent.
type ShipmentLineJSON struct {
	OrderLineID string `json:"order_line_id"`
	ProductID   string `json:"product_id"`
	Quantity    string `json:"quantity" format:"decimal"`
}

// ShipmentJSON is a shipment.
type ShipmentJSON struct {
	ID          string             `json:"id"`
	Number      string             `json:"number"`
	OrderID     string             `json:"order_id"`
	WarehouseID *string            `json:"warehouse_id"`
	ShippedOn   string             `json:"shipped_on" format:"date"`
	Reference   string             `json:"reference"`
	ActorID     string             `json:"actor_id"`
	CreatedAt   time.Time          `json:"created_at"`
	Lines       []ShipmentLineJSON `json:"lines"`
}

func shipmentJSON(sh order.Shipment) ShipmentJSON {
	out := ShipmentJSON{ID: sh.ID, Number: sh.Number, OrderID: sh.OrderID, ShippedOn: sh.ShippedOn.String(), Reference: sh.Reference, ActorID: sh.ActorID,
		CreatedAt: sh.CreatedAt, Lines: []ShipmentLineJSON{}}
	if sh.WarehouseID != "" {
		out.WarehouseID = &sh.WarehouseID
	}
	for _, l := range sh.Lines {
		out.Lines = append(out.Lines, ShipmentLineJSON{OrderLineID: l.OrderLineID, ProductID: l.ProductID, Quantity: l.Quantity.String()})
	}
	return out
}

// FulfillmentJSON is a recorded shipment and the order after it.
type FulfillmentJSON struct {
	Shipment ShipmentJSON `json:"shipment"`
	Order    OrderJSON    `json:"order"`
}

// CancelRequest cancels what has not shipped.
type CancelRequest struct {
	Reason string `json:"reason" maxLength:"2000"`
}

func (s *Server) fulfillOrder() fiber.Handler {
	return func(c *fiber.Ctx) error {
		in, err := decodeWith(c, FulfillmentRequest.input)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (app.Shipped, error) {
			return s.app.ShipOrder(ctx, c.Params("id"), in)
		}, func(x app.Shipped) response {
			return response{status: fiber.StatusCreated, version: x.Order.Version, body: FulfillmentJSON{Shipment: shipmentJSON(x.Shipment), Order: orderJSON(x.Order)}}
		})
	}
}

func (s *Server) listShipments() fiber.Handler {
	return listOf(func(sh order.Shipment) string { return sh.ID }, shipmentJSON, nil,
		func(ctx context.Context, c *fiber.Ctx, p quotient.Page, _ map[string]string) ([]order.Shipment, error) {
			shs, err := s.app.Shipments(ctx, c.Params("id"))
			return pageAfter(shs, func(sh order.Shipment) string { return sh.ID }, p), err
		})
}

func (s *Server) cancelOrder() fiber.Handler {
	return func(c *fiber.Ctx) error {
		req, err := decodeOptional[CancelRequest](c)
		if err != nil {
			return err
		}
		return commit(c, func(ctx context.Context) (order.Order, error) {
			return s.app.CancelOrder(ctx, c.Params("id"), req.Reason)
		}, func(o order.Order) response {
			return response{status: fiber.StatusOK, version: o.Version, body: orderJSON(o)}
		})
	}
}
