// Package server is Quotient's HTTP face (gofiber/fiber v2): routes,
// request and response types, bearer-token authentication, idempotent
// POSTs, ETags, problem-detail errors, the OpenAPI document, health and
// Prometheus metrics. Handlers call domain services inside one database
// transaction and just return their errors.
package server
