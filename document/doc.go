// Package document renders Quotient's documents as PDF (go-pdf/fpdf): the
// quote a customer reads and signs, with any UTF-8 text (Japanese
// included, through an embedded IPAex Gothic font) and amounts formatted
// for their currency.
package document
