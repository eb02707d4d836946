package document

// Lang is the language a document speaks: English, or Japanese for
// Japanese customers.
type Lang string

// The languages documents are printed in.
const (
	English  Lang = ""
	Japanese Lang = "ja"
)

// japanese are the Japanese words of the documents, by their English
// ones; an English word without one stays English.
var japanese = map[string]string{
	"QUOTE":                    "御見積書",
	"INVOICE":                  "請求書",
	"STATEMENT":                "取引明細書",
	"Number":                   "番号",
	"Version":                  "版",
	"Date":                     "日付",
	"Valid until":              "有効期限",
	"Currency":                 "通貨",
	"Prepared by":              "担当",
	"Order":                    "ご注文番号",
	"Issue date":               "発行日",
	"Due date":                 "お支払期限",
	"Terms":                    "支払条件",
	"Status":                   "状態",
	"Paid":                     "支払済",
	"From":                     "期間開始",
	"To":                       "期間終了",
	"Prepared for":             "御見積先",
	"Bill to":                  "ご請求先",
	"Statement for":            "宛先",
	"SKU":                      "品番",
	"Description":              "品名",
	"Qty":                      "数量",
	"Unit price":               "単価",
	"Discount":                 "値引",
	"Net":                      "金額",
	"List total":               "定価合計",
	"Discounts":                "値引合計",
	"Net total":                "小計",
	"Total":                    "合計",
	"Paid and credited":        "入金・相殺済",
	"Amount due":               "ご請求残高",
	"Notes":                    "備考",
	"How to pay":               "お支払について",
	"Payment":                  "ご入金",
	"Invoice":                  "ご請求",
	"Credit note":              "返品・値引",
	"Acceptance":               "ご承諾",
	"Name":                     "ご氏名",
	"Signature":                "ご署名",
	"Includes":                 "構成",
	"Note":                     "注記",
	"Registration no.":         "登録番号",
	"Page %d of {nb}":          "%d / {nb} ページ",
	"continued":                "続き",
	"Opening balance":          "前期繰越",
	"Invoiced":                 "ご請求額",
	"Closing balance":          "期末残高",
	"Of which overdue":         "うち期限超過",
	"Type":                     "種別",
	"Document":                 "書類",
	"Due":                      "期限",
	"Debit":                    "借方",
	"Credit":                   "貸方",
	"Balance":                  "残高",
	"reduced-rate legend":      "※は軽減税率対象品目です。",
	"Paid in full. Thank you.": "全額お支払いいただきました。ありがとうございました。",
}

// english are the English sentences some keys stand for.
var english = map[string]string{
	"reduced-rate legend": "※ marks items taxed at the reduced rate.",
}

// word is a document's word in its language.
func (l Lang) word(en string) string {
	if l == Japanese {
		if ja, ok := japanese[en]; ok {
			return ja
		}
	}
	if s, ok := english[en]; ok {
		return s
	}
	return en
}
