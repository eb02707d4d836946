package app

import (
	"context"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
)

// Orders lists orders, newest first.
func (a *App) Orders(ctx context.Context, f order.Filter) ([]order.Order, error) {
	return read(ctx, a, func(tx Tx) ([]order.Order, error) { return a.orders.List(ctx, tx, f) })
}

// Order returns an order with its lines.
func (a *App) Order(ctx context.Context, id string) (order.Order, error) {
	return read(ctx, a, func(tx Tx) (order.Order, error) { return a.orders.Get(ctx, tx, id) })
}

// Reservations lists what stock is held for an order, where.
func (a *App) Reservations(ctx context.Context, orderID string) ([]inventory.Held, error) {
	return read(ctx, a, func(tx Tx) ([]inventory.Held, error) { return a.orders.Reservations(ctx, tx, orderID) })
}

// Shipments lists an order's shipments.
func (a *App) Shipments(ctx context.Context, orderID string) ([]order.Shipment, error) {
	return read(ctx, a, func(tx Tx) ([]order.Shipment, error) { return a.orders.Shipments(ctx, tx, orderID) })
}

// Warehouses lists warehouses.
func (a *App) Warehouses(ctx context.Context, p quotient.Page) ([]inventory.Warehouse, error) {
	return read(ctx, a, func(tx Tx) ([]inventory.Warehouse, error) { return a.inventory.ListWarehouses(ctx, tx, p) })
}

// CreateWarehouse adds a warehouse (admin).
func (a *App) CreateWarehouse(ctx context.Context, in inventory.Warehouse) (inventory.Warehouse, error) {
	return change(ctx, a, func(tx Tx) (inventory.Warehouse, error) { return a.inventory.CreateWarehouse(ctx, tx, in) })
}

// Warehouse returns a warehouse.
func (a *App) Warehouse(ctx context.Context, id string) (inventory.Warehouse, error) {
	return read(ctx, a, func(tx Tx) (inventory.Warehouse, error) { return a.inventory.GetWarehouse(ctx, tx, id) })
}

// UpdateWarehouse changes a warehouse (admin) read at version (0: any).
func (a *App) UpdateWarehouse(ctx context.Context, id string, version int, p inventory.WarehousePatch) (inventory.Warehouse, error) {
	return change(ctx, a, func(tx Tx) (inventory.Warehouse, error) { return a.inventory.UpdateWarehouse(ctx, tx, id, version, p) })
}

// StockLevels lists stock by product and warehouse: on hand, reserved,
// available.
func (a *App) StockLevels(ctx context.Context, f inventory.Filter) ([]inventory.Level, error) {
	return read(ctx, a, func(tx Tx) ([]inventory.Level, error) { return a.inventory.Levels(ctx, tx, f) })
}

// StockMovements lists the movements stock is the sum of.
func (a *App) StockMovements(ctx context.Context, f inventory.Filter) ([]inventory.Movement, error) {
	return read(ctx, a, func(tx Tx) ([]inventory.Movement, error) { return a.inventory.Movements(ctx, tx, f) })
}
