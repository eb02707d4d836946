// Package document renders Quotient's documents as PDF (go-pdf/fpdf): the
// quote a customer reads and signs, the invoice, the customer statement
// and the rep's commission statement, with any UTF-8 text (Japanese
// included, through an embedded IPAex Gothic font) and amounts formatted
// for their currency. It is given the figures; it computes none.
package document
