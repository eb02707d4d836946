// Package server is Quotient's HTTP face (gofiber/fiber v2): routes,
// request and response types, bearer-token authentication, idempotent
// POSTs, ETags, problem-detail errors, the OpenAPI document and the API
// reference page, health and Prometheus metrics, and the customer portal.
// A handler decodes the request into typed values, calls one use case of
// the application layer (package app) and encodes its result or error;
// the rules, and the transaction, live below it.
package server
