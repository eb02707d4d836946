package document

import "github.com/quotient-cpq/quotient/i18n"

// Lang is the language a document speaks: English, or Japanese for
// Japanese customers.
type Lang string

// The languages documents are printed in.
const (
	English  Lang = ""
	Japanese Lang = "ja"
)

// word is a document's word in its language: the catalog's
// "document|" entries (the words a PDF uses, which may differ from the
// workspace's: an order number on an invoice is ご注文番号).
func (l Lang) word(en string) string {
	lang := i18n.English
	if l == Japanese {
		lang = i18n.Japanese
	}
	return lang.T("document|" + en)
}
