// Package inventory owns warehouses and stock: how much of each product
// each warehouse has on hand and has reserved, and the movements (receipts,
// adjustments, shipments, reservations, releases) that are the only way
// stock changes, so on_hand always equals the sum of its movements.
package inventory
