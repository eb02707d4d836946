package main

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/commission"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/ledger"
	"github.com/quotient-cpq/quotient/pricing"
	"github.com/quotient-cpq/quotient/quote"
	"github.com/quotient-cpq/quotient/store"
)

// demoLogin is a demo user's role, e-mail and fresh API token.
type demoLogin struct {
	role, email, token string
	userID, link       string
}

const demoUsersSetting = "demo_user_ids"

var demoUsers = []crm.UserInput{
	{Name: "Mira Okafor", Email: "mira.okafor@northwind.example", Role: quotient.RoleAdmin},
	{Name: "Daniel Reyes", Email: "daniel.reyes@northwind.example", Role: quotient.RoleSalesManager, Quota: decimal.NewFromInt(1500000), QuotaPeriod: "quarter"},
	{Name: "Priya Nair", Email: "priya.nair@northwind.example", Role: quotient.RoleSalesRep, Quota: decimal.NewFromInt(600000), QuotaPeriod: "quarter"},
	{Name: "Kenji Watanabe", Email: "kenji.watanabe@northwind.example", Role: quotient.RoleSalesRep, Quota: decimal.NewFromInt(500000), QuotaPeriod: "quarter"},
	{Name: "Sofia Lindqvist", Email: "sofia.lindqvist@northwind.example", Role: quotient.RoleFinance},
}

// seedDemo fills an empty database (no accounts and no products) with the
// Northwind Systems demo company in one transaction. On a database it
// seeded before, it issues fresh tokens for the demo users instead, so
// every "serve --demo" prints tokens that work.
func seedDemo(ctx context.Context, db *store.DB, now func() time.Time, w stack) ([]demoLogin, error) {
	var logins []demoLogin
	fresh := false
	err := db.InTx(ctx, func(tx *store.Tx) error {
		logins, fresh = nil, false
		if ids, ok, err := tx.Setting(ctx, demoUsersSetting); err != nil {
			return err
		} else if ok {
			return rotateDemoTokens(ctx, tx, strings.Split(ids, ","), now, &logins)
		}
		accs, err := tx.ListAccounts(ctx, crm.AccountFilter{Page: quotient.Page{Limit: 1}})
		if err != nil {
			return err
		}
		prods, err := tx.ListProducts(ctx, catalog.ProductFilter{Page: quotient.Page{Limit: 1}})
		if err != nil {
			return err
		}
		if len(accs) > 0 || len(prods) > 0 {
			return fmt.Errorf("the database already holds data; --demo only fills an empty database")
		}
		fresh = true
		return seed(ctx, tx, now, w, &logins)
	})
	if err == nil && fresh {
		err = seedHistory(ctx, db, now)
	}
	// And a link per user into the workspace, good for a week, once.
	for i := range logins {
		if err != nil {
			break
		}
		logins[i].link, err = w.app.IssueSignInLink(app.System(ctx), logins[i].userID, crm.DemoLinkValid)
	}
	return logins, err
}

func rotateDemoTokens(ctx context.Context, tx *store.Tx, ids []string, now func() time.Time, out *[]demoLogin) error {
	for _, id := range ids {
		u, err := tx.GetUser(ctx, id)
		if err != nil {
			return err
		}
		if !u.Active {
			continue
		}
		if err := tx.DeleteTokensOf(ctx, id); err != nil {
			return err
		}
		secret, hash := crm.NewTokenSecret()
		if err := tx.InsertToken(ctx, crm.Token{ID: quotient.NewID("tok"), UserID: id, Name: "demo", Hash: hash, CreatedAt: now().UTC()}); err != nil {
			return err
		}
		*out = append(*out, demoLogin{role: string(u.Role), email: u.Email, token: secret, userID: u.ID})
	}
	return nil
}

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func dp(s string) *decimal.Decimal { v := d(s); return &v }

type demoProduct struct {
	sku, name, family string
	kind              catalog.Kind
	uom, cost, usd    string
	tax               string
	desc              string
}

var demoProducts = []demoProduct{
	{"SRV-EDGE-1", "Edge 1U server, 8-core", "hardware", catalog.KindGood, "each", "1450", "2490", "standard", "Short-depth server for branch offices and retail back rooms."},
	{"SRV-GPU-4", "GPU compute server, 4x accelerators", "hardware", catalog.KindGood, "each", "21800", "32900", "standard", "4U server for training and inference workloads."},
	{"STO-NAS-24", "NAS appliance, 24 bays", "hardware", catalog.KindGood, "each", "5200", "8900", "standard", "Unified file and block storage, drives sold separately."},
	{"STO-SAN-48", "All-flash SAN array, 48 slots", "hardware", catalog.KindGood, "each", "28500", "46000", "standard", "Dual-controller NVMe array."},
	{"NET-SW-24", "Switch, 24x 10GbE", "hardware", catalog.KindGood, "each", "1900", "3400", "standard", "Layer 3 top-of-rack switch."},
	{"NET-SW-48", "Switch, 48x 25GbE", "hardware", catalog.KindGood, "each", "5600", "9800", "standard", "Layer 3 data-center switch."},
	{"NET-FW-200", "Firewall appliance, 20 Gbps", "hardware", catalog.KindGood, "each", "3900", "6900", "standard", "Next-generation firewall."},
	{"NET-AP-6", "Wi-Fi 6E access point", "hardware", catalog.KindGood, "each", "180", "349", "standard", ""},
	{"HW-RACK-42", "Rack cabinet, 42U", "hardware", catalog.KindGood, "each", "700", "1290", "standard", ""},
	{"HW-UPS-3K", "UPS, 3 kVA rack-mount", "hardware", catalog.KindGood, "each", "950", "1690", "standard", ""},
	{"HW-PDU-16", "Switched PDU, 16 outlets", "hardware", catalog.KindGood, "each", "310", "589", "standard", ""},
	{"SSD-3T84", "NVMe SSD, 3.84 TB", "hardware", catalog.KindGood, "each", "290", "520", "standard", ""},
	{"HDD-16T", "Hard drive, 16 TB", "hardware", catalog.KindGood, "each", "210", "379", "standard", ""},
	{"NIC-25G", "Network card, 2x 25GbE", "hardware", catalog.KindGood, "each", "140", "289", "standard", ""},
	{"CBL-DAC-3M", "Direct-attach cable, 3 m", "hardware", catalog.KindGood, "each", "12", "35", "standard", ""},
	{"SAAS-PLAT", "Northwind Cloud Platform, per user", "software", catalog.KindService, "user/month", "4", "29", "digital", "Hosted management platform, billed monthly per named user."},
	{"SAAS-ANALYTICS", "Analytics add-on, per user", "software", catalog.KindService, "user/month", "2", "12", "digital", ""},
	{"SAAS-SEC", "Security monitoring, per server", "software", catalog.KindService, "server/month", "6", "39", "digital", ""},
	{"LIC-BACKUP", "Backup suite licence, per socket", "software", catalog.KindService, "socket/year", "90", "450", "digital", ""},
	{"LIC-VIRT", "Virtualization licence, per core", "software", catalog.KindService, "core/year", "40", "189", "digital", ""},
	{"PS-INSTALL", "Installation and racking", "services", catalog.KindService, "server", "250", "600", "services", "On-site installation, cabling and burn-in."},
	{"PS-MIGRATE", "Data migration", "services", catalog.KindService, "day", "700", "1600", "services", ""},
	{"PS-CONSULT", "Architecture consulting", "services", catalog.KindService, "hour", "95", "240", "services", ""},
	{"PS-TRAIN", "Administrator training", "services", catalog.KindService, "day", "600", "1900", "services", "Up to 8 attendees, on site or remote."},
	{"PS-PM", "Project management", "services", catalog.KindService, "day", "500", "1250", "services", ""},
	{"SUP-BASIC", "Basic support, per server", "support", catalog.KindService, "server/year", "60", "290", "services", "Business hours, next-business-day parts."},
	{"SUP-BUSINESS", "Business support, per server", "support", catalog.KindService, "server/year", "140", "690", "services", "24x7 phone, 4-hour parts."},
	{"SUP-MC", "Mission-critical support, per server", "support", catalog.KindService, "server/year", "380", "1490", "services", "24x7, 2-hour on-site, named engineer."},
	{"SUP-WARRANTY-2Y", "Extended warranty, +2 years", "support", catalog.KindService, "server", "120", "420", "services", ""},
	{"SUP-TAM", "Technical account manager", "support", catalog.KindService, "month", "2500", "5200", "services", ""},
}

var demoAccounts = []struct {
	name, currency, segment, industry, terms, region, owner, city, country, phone string
	limit                                                                         string
}{
	{"Acme Logistics Inc.", "USD", "enterprise", "logistics", "net_30", "US-CA", "priya", "Oakland", "US", "+1 510 555 0142", "250000"},
	{"Bluebird Health Network", "USD", "enterprise", "healthcare", "net_45", "US-NY", "priya", "Albany", "US", "+1 518 555 0190", "400000"},
	{"Cascade Credit Union", "USD", "mid_market", "financial services", "net_30", "US-WA", "priya", "Tacoma", "US", "+1 253 555 0117", "120000"},
	{"Harbor City Public Schools", "USD", "public_sector", "education", "net_60", "US-MA", "daniel", "Boston", "US", "+1 617 555 0101", "150000"},
	{"Redwood Analytics LLC", "USD", "smb", "software", "2_10_net_30", "US-OR", "priya", "Portland", "US", "+1 503 555 0166", "40000"},
	{"Summit Outdoor Gear", "USD", "mid_market", "retail", "net_30", "US-CO", "daniel", "Denver", "US", "+1 303 555 0133", "90000"},
	{"Lakeside Manufacturing Co.", "USD", "enterprise", "manufacturing", "eom_30", "US-MI", "priya", "Grand Rapids", "US", "+1 616 555 0188", "300000"},
	{"Maple Leaf Foods Distribution", "USD", "mid_market", "food", "net_30", "CA-ON", "daniel", "Toronto", "CA", "+1 416 555 0124", "80000"},
	{"Southern Cross Mining Pty", "USD", "enterprise", "mining", "net_30", "AU-WA", "daniel", "Perth", "AU", "+61 8 5550 1234", "350000"},
	{"Müller Maschinenbau GmbH", "EUR", "enterprise", "manufacturing", "net_30", "DE-BY", "priya", "München", "DE", "+49 89 5550 1200", "300000"},
	{"Lumière Retail SA", "EUR", "mid_market", "retail", "eom_30", "FR", "priya", "Lyon", "FR", "+33 4 55 50 12 34", "100000"},
	{"Van Dijk Logistiek BV", "EUR", "mid_market", "logistics", "net_30", "NL", "daniel", "Rotterdam", "NL", "+31 10 555 0123", "90000"},
	{"Solaria Energía SL", "EUR", "smb", "energy", "net_30", "ES", "daniel", "Sevilla", "ES", "+34 955 550 123", "50000"},
	{"Comune di Verona", "EUR", "public_sector", "government", "net_60", "IT", "priya", "Verona", "IT", "+39 045 555 0123", "200000"},
	{"株式会社さくらテック", "JPY", "enterprise", "software", "eom_30", "JP-13", "kenji", "東京都千代田区", "JP", "+81 3-5550-1234", "50000000"},
	{"大阪精密工業株式会社", "JPY", "enterprise", "manufacturing", "eom_60", "JP-27", "kenji", "大阪市北区", "JP", "+81 6-5550-4321", "80000000"},
	{"北海道データセンター株式会社", "JPY", "mid_market", "data center", "net_30", "JP-01", "kenji", "札幌市中央区", "JP", "+81 11-555-0199", "30000000"},
	{"株式会社みなと物流", "JPY", "mid_market", "logistics", "eom_30", "JP-14", "kenji", "横浜市中区", "JP", "+81 45-555-0177", "20000000"},
	{"京都ゲームス合同会社", "JPY", "smb", "games", "net_30", "JP-26", "kenji", "京都市下京区", "JP", "+81 75-555-0155", "5000000"},
	{"Pacific Rim Trading Ltd", "USD", "partner", "distribution", "net_30", "SG", "kenji", "Singapore", "SG", "+65 6555 0123", "150000"},
}

var firstNames = []string{"Alex", "Jordan", "Morgan", "Taylor", "Casey", "Robin", "Sam", "Jamie", "Lee", "Quinn"}
var lastNames = []string{"Garcia", "Chen", "Novak", "Schmidt", "Rossi", "Dubois", "Patel", "Kim", "Silva", "Larsen"}
var jaNames = []string{"佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健太", "伊藤 真由美", "山本 大輔"}

func seed(ctx context.Context, tx *store.Tx, now func() time.Time, w stack, logins *[]demoLogin) error {
	crmSvc, cat := w.services.CRM, w.services.Catalog
	admin := app.System(ctx)

	users := map[string]crm.User{}
	var ids []string
	for i, in := range demoUsers {
		if in.Role == quotient.RoleSalesRep {
			in.ManagerID = users["daniel"].ID
		}
		u, secret, err := crmSvc.Seed(admin, tx, in)
		if err != nil {
			return fmt.Errorf("user %s: %w", in.Email, err)
		}
		users[strings.ToLower(strings.Fields(in.Name)[0])] = u
		ids = append(ids, u.ID)
		*logins = append(*logins, demoLogin{role: string(in.Role), email: in.Email, token: secret, userID: u.ID})
		_ = i
	}
	if _, err := tx.PutSettingIfAbsent(ctx, demoUsersSetting, strings.Join(ids, ",")); err != nil {
		return err
	}
	for k, v := range map[string]string{"company_name": "Northwind Systems",
		"company_address":             "100 Market Street\nSan Francisco, CA 94105\nUnited States\n+1 415 555 0100 · sales@northwind.example",
		"company_registration_number": "T4010001234567", // registered for Japan's consumption tax
		"base_currency":               "USD"} {
		if _, err := tx.PutSettingIfAbsent(ctx, k, v); err != nil {
			return err
		}
	}
	// Month-start exchange rates into USD for the demo's other currencies,
	// over the year before today, drifting a little each month.
	first := quotient.DateOf(now()).AddDays(1 - now().Day())
	for m := 0; m <= 12; m++ {
		day := first.AddDate(0, -m, 0)
		for cur, r := range map[string]decimal.Decimal{"EUR": d("1.0870"), "JPY": d("0.0066667")} {
			drift := decimal.NewFromInt(int64(m%5 - 2)).Mul(d("0.004"))
			rate := r.Mul(decimal.NewFromInt(1).Add(drift)).Round(ledger.RateScale)
			if _, err := w.services.Ledger.CreateRate(admin, tx, ledger.ExchangeRate{Date: day, Currency: cur, BaseCurrency: "USD", Rate: rate}); err != nil {
				return fmt.Errorf("exchange rate %s %s: %w", cur, day, err)
			}
		}
	}

	books := map[string]catalog.PriceBook{}
	for _, cur := range []string{"USD", "EUR", "JPY"} {
		in := catalog.PriceBookInput{Name: "Standard " + cur, Currency: cur, IsDefault: true,
			ValidFrom: quotient.NewDate(2026, time.January, 1), Description: "List prices in " + cur}
		if cur != "USD" { // unit costs are in USD
			in.CostRate = dp(map[string]string{"EUR": "0.92", "JPY": "150"}[cur])
		}
		b, err := cat.CreatePriceBook(admin, tx, in)
		if err != nil {
			return err
		}
		books[cur] = b
	}
	// EUR and JPY list prices follow USD at a fixed planning rate, rounded
	// to the currency's minor units as a real price list would be.
	rate := map[string]decimal.Decimal{"USD": d("1"), "EUR": d("0.92"), "JPY": d("150")}
	price := func(usd decimal.Decimal, cur string) decimal.Decimal {
		c, _ := quotient.LookupCurrency(cur)
		return c.Round(usd.Mul(rate[cur]))
	}
	products := map[string]catalog.Product{}
	addPrices := func(p catalog.Product, usd decimal.Decimal, ops map[string]decimal.Decimal) error {
		for cur, b := range books {
			in := catalog.EntryInput{ProductID: p.ID, UnitPrice: price(usd, cur)}
			if cur != "USD" && len(ops) > 0 {
				in.OptionPrices = map[string]decimal.Decimal{}
				for k, v := range ops {
					in.OptionPrices[k] = price(v, cur)
				}
			}
			if _, err := cat.CreateEntry(admin, tx, b.ID, in); err != nil {
				return fmt.Errorf("price of %s in %s: %w", p.SKU, cur, err)
			}
		}
		return nil
	}
	for _, dp := range demoProducts {
		p, err := cat.CreateProduct(admin, tx, catalog.ProductInput{SKU: dp.sku, Name: dp.name, Family: dp.family, Kind: dp.kind,
			UOM: dp.uom, UnitCost: d(dp.cost), TaxCategory: dp.tax, Description: dp.desc})
		if err != nil {
			return fmt.Errorf("product %s: %w", dp.sku, err)
		}
		products[dp.sku] = p
		if err := addPrices(p, d(dp.usd), nil); err != nil {
			return err
		}
	}

	// The configurable server: CPU, memory, storage and support tier.
	cpu := catalog.Attribute{Code: "cpu", Name: "Processor", Type: catalog.Enum, Required: true, Default: "c16", Options: []catalog.Option{
		{Code: "c16", Label: "16 cores, 2.8 GHz", PriceDelta: d("0")},
		{Code: "c32", Label: "32 cores, 2.6 GHz", PriceDelta: d("1800")},
		{Code: "c64", Label: "2x 32 cores, 2.6 GHz", PriceDelta: d("4200")}}}
	mem := catalog.Attribute{Code: "memory", Name: "Memory", Type: catalog.Enum, Required: true, Default: "m64", Options: []catalog.Option{
		{Code: "m64", Label: "64 GB", PriceDelta: d("0")},
		{Code: "m128", Label: "128 GB", PriceDelta: d("650")},
		{Code: "m256", Label: "256 GB", PriceDelta: d("1500")},
		{Code: "m512", Label: "512 GB", PriceDelta: d("3400")}}}
	storage := catalog.Attribute{Code: "storage_tb", Name: "Storage", Type: catalog.Number, Required: true, Unit: "TB",
		Min: dp("2"), Max: dp("96"), Step: dp("2"), Default: "4"}
	tier := catalog.Attribute{Code: "support_tier", Name: "Support tier", Type: catalog.Enum, Required: true, Default: "business", Options: []catalog.Option{
		{Code: "basic", Label: "Basic (business hours)", PriceDelta: d("0")},
		{Code: "business", Label: "Business (24x7, 4-hour parts)", PriceDelta: d("400")},
		{Code: "mission_critical", Label: "Mission-critical (2-hour on-site)", PriceDelta: d("1200")}}}
	redundant := catalog.Attribute{Code: "redundant_psu", Name: "Redundant power supply", Type: catalog.Boolean, Default: "true"}
	atlas, err := cat.CreateProduct(admin, tx, catalog.ProductInput{SKU: "SRV-ATLAS-R2", Name: "Atlas R2 rack server (configurable)",
		Family: "hardware", Kind: catalog.KindGood, UOM: "each", UnitCost: d("3900"), TaxCategory: "standard",
		Description: "2U dual-socket server. Choose processor, memory, storage and support tier.",
		Attributes:  []catalog.Attribute{cpu, mem, storage, tier, redundant}})
	if err != nil {
		return fmt.Errorf("configurable server: %w", err)
	}
	products[atlas.SKU] = atlas
	ops := map[string]decimal.Decimal{}
	for _, a := range atlas.Attributes {
		for _, o := range a.Options {
			ops[a.Code+"."+o.Code] = o.PriceDelta
		}
	}
	if err := addPrices(atlas, d("6900"), ops); err != nil {
		return err
	}

	// A bundle: the starter data-center kit.
	one, two := d("1"), d("2")
	kit, err := cat.CreateProduct(admin, tx, catalog.ProductInput{SKU: "BND-DC-STARTER", Name: "Data-center starter kit",
		Family: "hardware", Kind: catalog.KindGood, UOM: "kit", UnitCost: d("0"), TaxCategory: "standard",
		Description: "Two Atlas servers, a switch, a rack, installation, and optional business support.",
		Components: []catalog.Component{
			{ProductID: atlas.ID, Quantity: two, Required: true},
			{ProductID: products["NET-SW-24"].ID, Quantity: one, Required: true},
			{ProductID: products["HW-RACK-42"].ID, Quantity: one, Required: true},
			{ProductID: products["PS-INSTALL"].ID, Quantity: two, Required: true},
			{ProductID: products["SUP-BUSINESS"].ID, Quantity: two, Required: false},
		}})
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	if err := addPrices(kit, d("18900"), nil); err != nil {
		return err
	}

	if err := seedRulebook(admin, tx, w.services, atlas, products); err != nil {
		return err
	}
	if err := seedStock(admin, tx, w, products); err != nil {
		return err
	}
	if err := seedCommissions(admin, tx, now, w.services, users); err != nil {
		return err
	}

	// Accounts, contacts and opportunities.
	stages := []crm.Stage{crm.Prospecting, crm.Qualification, crm.Proposal, crm.Negotiation, crm.ClosedWon, crm.ClosedLost}
	today := now().UTC()
	for i, a := range demoAccounts {
		owner := users[a.owner]
		ctxOwner := quotient.WithActor(ctx, quotient.Actor{UserID: owner.ID, Role: owner.Role, Team: []string{owner.ID}})
		domain := fmt.Sprintf("customer%02d.example", i+1)
		// The admin opens the account for its owner: credit terms are
		// finance's and admins', not the rep's.
		acc, err := crmSvc.CreateAccount(admin, tx, crm.AccountInput{OwnerID: owner.ID, Name: a.name, Currency: a.currency, Segment: a.segment,
			Industry: a.industry, CreditLimit: d(a.limit), PaymentTerms: a.terms, TaxRegion: a.region, Phone: a.phone,
			Website:        "https://www." + domain,
			BillingAddress: demoAddress(i, a.city, a.region, a.country)})
		if err != nil {
			return fmt.Errorf("account %s: %w", a.name, err)
		}
		for j := 0; j < 1+i%3; j++ {
			name := firstNames[(i+j)%len(firstNames)] + " " + lastNames[(i*3+j)%len(lastNames)]
			if a.currency == "JPY" {
				name = jaNames[(i+j)%len(jaNames)]
			}
			titles := []string{"IT Director", "Procurement Manager", "CFO", "Head of Infrastructure"}
			email := fmt.Sprintf("contact%d@%s", j+1, domain)
			if _, err := crmSvc.CreateContact(ctxOwner, tx, acc.ID, crm.ContactInput{Name: name, Email: email,
				Title: titles[(i+j)%len(titles)], Phone: a.phone}); err != nil {
				return fmt.Errorf("contact of %s: %w", a.name, err)
			}
		}
		if i%4 == 3 {
			continue // not every account has a deal in flight
		}
		stage := stages[i%len(stages)]
		amount := price(d("25000").Add(d(fmt.Sprint(i*7350))), a.currency)
		if _, err := crmSvc.CreateOpportunity(ctxOwner, tx, crm.OpportunityInput{AccountID: acc.ID,
			Name: fmt.Sprintf("%s: infrastructure refresh %d", strings.Split(a.name, " ")[0], today.Year()+1), Stage: stage,
			Amount: amount, CloseDate: quotient.DateOf(today.AddDate(0, 1+i%5, 0))}); err != nil {
			return fmt.Errorf("opportunity for %s: %w", a.name, err)
		}
	}
	return nil
}

// seedRulebook gives the demo company tax rates, volume schedules, price
// rules and configuration rules for the Atlas server.
func seedRulebook(ctx context.Context, tx *store.Tx, svc app.Services, atlas catalog.Product, products map[string]catalog.Product) error {
	cat, pr := svc.Catalog, svc.Pricing
	taxes := []pricing.TaxRate{
		{Region: "US-CA", TaxCategory: "standard", RatePct: d("7.25"), Name: "California sales tax"},
		{Region: "US-NY", TaxCategory: "standard", RatePct: d("4"), Name: "New York sales tax"},
		{Region: "US-WA", TaxCategory: "standard", RatePct: d("6.5"), Name: "Washington sales tax"},
		{Region: "US", TaxCategory: "standard", RatePct: d("6"), Name: "US sales tax (other states)"},
		{Region: "DE", TaxCategory: "standard", RatePct: d("19"), Name: "Umsatzsteuer 19 %"},
		{Region: "DE", TaxCategory: "services", RatePct: d("19"), Name: "Umsatzsteuer 19 %"},
		{Region: "DE", TaxCategory: "digital", RatePct: d("19"), Name: "Umsatzsteuer 19 %"},
		{Region: "FR", TaxCategory: "standard", RatePct: d("20"), Name: "TVA 20 %"},
		{Region: "NL", TaxCategory: "standard", RatePct: d("21"), Name: "BTW 21 %"},
		{Region: "ES", TaxCategory: "standard", RatePct: d("21"), Name: "IVA 21 %"},
		{Region: "IT", TaxCategory: "standard", RatePct: d("22"), Name: "IVA 22 %"},
		{Region: "JP", TaxCategory: "standard", RatePct: d("10"), Name: "消費税 10%"},
		{Region: "JP", TaxCategory: "services", RatePct: d("10"), Name: "消費税 10%"},
		{Region: "JP", TaxCategory: "digital", RatePct: d("10"), Name: "消費税 10%"},
	}
	for _, t := range taxes {
		if _, err := pr.CreateTaxRate(ctx, tx, t); err != nil {
			return fmt.Errorf("tax rate %s/%s: %w", t.Region, t.TaxCategory, err)
		}
	}
	open := func(from, to, pct string) catalog.Tier {
		t := catalog.Tier{From: d(from), DiscountPct: d(pct)}
		if to != "" {
			t.To = dp(to)
		}
		return t
	}
	schedules := []catalog.Schedule{
		{Name: "Hardware volume", Type: catalog.Range, Family: "hardware", Active: true,
			Tiers: []catalog.Tier{open("1", "10", "0"), open("10", "50", "5"), open("50", "", "8")}},
		{Name: "Seats (slab)", Type: catalog.Slab, ProductIDs: []string{products["SAAS-PLAT"].ID, products["SAAS-ANALYTICS"].ID}, Active: true,
			Tiers: []catalog.Tier{open("1", "101", "0"), open("101", "501", "10"), open("501", "", "20")}},
	}
	for _, s := range schedules {
		if _, err := cat.CreateSchedule(ctx, tx, s); err != nil {
			return fmt.Errorf("schedule %s: %w", s.Name, err)
		}
	}
	rulesIn := []pricing.RuleInput{
		{Name: "Enterprise hardware 3%", Priority: 10, Stackable: true, Action: pricing.PercentDiscount, Value: d("3"),
			Condition: "account.segment == 'enterprise' and product.family == 'hardware'"},
		{Name: "Public sector 7%", Priority: 10, Stackable: true, Action: pricing.PercentDiscount, Value: d("7"),
			Condition: "account.segment == 'public_sector'"},
		{Name: "Partner net price", Priority: 5, Stackable: false, Action: pricing.Formula, Formula: "round(line.list_price * 0.7, 2)",
			Condition: "account.segment == 'partner' and product.family in ['hardware', 'software']"},
		{Name: "Training bundle with 5+ servers", Priority: 20, Stackable: true, Action: pricing.AmountDiscount, Value: d("200"),
			Condition: "product.sku == 'PS-TRAIN' and quote.line_count >= 3"},
		{Name: "Year-end support promo", Priority: 30, Stackable: true, Action: pricing.PercentDiscount, Value: d("10"),
			Condition: "product.family == 'support' and month(pricing_date) == 12"},
	}
	for _, r := range rulesIn {
		if _, err := pr.CreateRule(ctx, tx, r); err != nil {
			return fmt.Errorf("price rule %s: %w", r.Name, err)
		}
	}
	cfg := []catalog.ConfigRule{
		{Name: "512 GB needs the 64-core CPU", Kind: catalog.Selection, Condition: "config.memory == 'm512'",
			Action: catalog.RuleAction{Attribute: "cpu", Value: "c64"}},
		{Name: "No basic support for enterprise", Kind: catalog.Filter, Condition: "account.segment == 'enterprise'",
			Action: catalog.RuleAction{Attribute: "support_tier", Options: []string{"basic"}}},
		{Name: "Large storage needs redundant power", Kind: catalog.Validation, Condition: "config.storage_tb > 48 and !config.redundant_psu",
			Message: "more than 48 TB of storage needs the redundant power supply"},
		{Name: "96 TB lead time", Kind: catalog.Alert, Condition: "config.storage_tb >= 96",
			Message: "96 TB configurations ship in about six weeks"},
	}
	for _, r := range cfg {
		r.Active = true
		if _, err := cat.CreateConfigRule(ctx, tx, atlas.ID, r); err != nil {
			return fmt.Errorf("configuration rule %s: %w", r.Name, err)
		}
	}
	qs := svc.Quotes
	for _, r := range []quote.ApprovalRule{
		{Name: "Discount over 15%", Condition: "quote.discount_pct > 15", ApproverKind: "manager", Message: "the rep's manager approves deep discounts"},
		{Name: "Margin under 25%", Condition: "quote.has_margin and quote.margin_pct < 25", ApproverKind: "role", ApproverRole: "finance",
			Message: "finance approves thin margins"},
		{Name: "Large deal", Condition: "quote.net_total >= 250000 and quote.currency == 'USD'", ApproverKind: "role", ApproverRole: "admin",
			Message: "deals of $250,000 or more need an admin"},
	} {
		r.Active = true
		if _, err := qs.CreateApprovalRule(ctx, tx, r); err != nil {
			return fmt.Errorf("approval rule %s: %w", r.Name, err)
		}
	}
	return nil
}

// seedStock makes two warehouses and receives a little of every stocked
// product, few enough that a large demo order shows a backorder, posted at
// cost; and the dunning levels.
func seedStock(ctx context.Context, tx *store.Tx, w stack, products map[string]catalog.Product) error {
	inv, bill := w.services.Inventory, w.services.Billing
	var whs []inventory.Warehouse
	for i, w := range []inventory.Warehouse{{Code: "AUS", Name: "Austin DC", Priority: 1}, {Code: "FRA", Name: "Frankfurt DC", Priority: 2}} {
		made, err := inv.CreateWarehouse(ctx, tx, w)
		if err != nil {
			return fmt.Errorf("warehouse %d: %w", i, err)
		}
		whs = append(whs, made)
	}
	skus := make([]string, 0, len(products))
	for sku := range products {
		skus = append(skus, sku)
	}
	sort.Strings(skus)
	for i, wh := range whs {
		in := inventory.ReceiptInput{WarehouseID: wh.ID, Reference: "DEMO-OPENING-" + wh.Code}
		for _, sku := range skus {
			if p := products[sku]; p.TrackInventory {
				in.Lines = append(in.Lines, inventory.ReceiptLine{ProductID: p.ID, Quantity: decimal.NewFromInt(int64(12 - 8*i))})
			}
		}
		if len(in.Lines) == 0 {
			continue
		}
		// Received as any receipt is: posted at cost.
		if _, err := w.app.ReceiveStockIn(ctx, tx, in); err != nil {
			return fmt.Errorf("opening stock of %s: %w", wh.Code, err)
		}
	}
	// Two reminders for overdue invoices.
	for _, l := range []billing.DunningLevelInput{
		{Level: ptr(1), Name: ptr("Friendly reminder"), DaysOverdue: ptr(7), Subject: ptr("Reminder: invoice {{.InvoiceNumber}} is overdue"),
			Body: ptr("Dear {{.AccountName}},\n\nour invoice {{.InvoiceNumber}} of {{.IssueDate}} for {{.Total}} was due on {{.DueDate}}; " +
				"{{.AmountDue}} is still open. If you have paid in the meantime, please disregard this note.\n\nNorthwind Systems, Accounts receivable")},
		{Level: ptr(2), Name: ptr("Final notice"), DaysOverdue: ptr(30), Subject: ptr("Final notice: invoice {{.InvoiceNumber}}, {{.DaysOverdue}} days overdue"),
			Body: ptr("Dear {{.AccountName}},\n\ninvoice {{.InvoiceNumber}} is {{.DaysOverdue}} days overdue with {{.AmountDue}} open. " +
				"New orders are held until it is paid. Please pay within 7 days.\n\nNorthwind Systems, Accounts receivable")},
	} {
		if _, err := bill.CreateDunningLevel(ctx, tx, l); err != nil {
			return fmt.Errorf("dunning level %s: %w", *l.Name, err)
		}
	}
	return nil
}

func ptr[T any](v T) *T { return &v }

// seedCommissions gives the reps a paid-basis plan with an accelerator past
// quota and nothing on freight-like fees, from the first of this year, at
// a monthly quota of a third of their quarterly one.
func seedCommissions(ctx context.Context, tx *store.Tx, now func() time.Time, services app.Services, users map[string]crm.User) error {
	svc := services.Commission
	from := quotient.NewDate(now().Year(), time.January, 1)
	rules := []commission.Rule{{Name: "Accelerator past quota", Condition: "rep.attainment_pct >= 100", RatePct: d("12")},
		{Name: "Services at half rate", Condition: `line.family == "services"`, RatePct: d("4")}}
	excl := []commission.Exclusion{{Name: "No commission on fees", Condition: `line.family == "fees"`}}
	p, err := svc.CreatePlan(ctx, tx, commission.PlanInput{Name: ptr(fmt.Sprintf("Field sales %d", from.Year())), Basis: ptr(commission.Paid), BaseRatePct: dp("8"),
		Rules: &rules, Exclusions: &excl, ValidFrom: &from})
	if err != nil {
		return fmt.Errorf("commission plan: %w", err)
	}
	for _, who := range []string{"priya", "kenji"} {
		u := users[who]
		q := u.Quota.Div(d("3")).Round(2)
		if _, err := svc.Assign(ctx, tx, p.ID, commission.AssignmentInput{UserID: u.ID, ValidFrom: from, Quota: q, Currency: "USD"}); err != nil {
			return fmt.Errorf("commission plan of %s: %w", u.Name, err)
		}
	}
	return nil
}

// demoAddress is a believable address in the customer's country, in the
// parts its documents lay out in the country's order.
func demoAddress(i int, city, region, country string) crm.Address {
	n := 100 + i*7
	switch country {
	case "JP":
		jp := map[string][4]string{ // postal code, prefecture, city, street
			"東京都千代田区": {"100-0005", "東京都", "千代田区", "丸の内1-9-2"},
			"大阪市北区":   {"530-0001", "大阪府", "大阪市北区", "梅田3-1-3"},
			"札幌市中央区":  {"060-0005", "北海道", "札幌市中央区", "北5条西2-5"},
			"横浜市中区":   {"231-0023", "神奈川県", "横浜市中区", "山下町1-1"},
			"京都市下京区":  {"600-8216", "京都府", "京都市下京区", "東塩小路町721-1"},
		}[city]
		return crm.Address{PostalCode: jp[0], Region: jp[1], City: jp[2], Line1: jp[3], Country: "JP"}
	case "US", "CA", "AU":
		_, st, _ := strings.Cut(region, "-")
		postal := fmt.Sprintf("%05d", 10000+i*311)
		if country == "CA" {
			postal = "M5V 2T6"
		} else if country == "AU" {
			postal = "6000"
		}
		return crm.Address{Line1: fmt.Sprintf("%d Commerce Way", n), City: city, Region: st, PostalCode: postal, Country: country}
	case "DE":
		return crm.Address{Line1: fmt.Sprintf("Industriestraße %d", 10+i), PostalCode: "80331", City: city, Country: country}
	case "FR":
		return crm.Address{Line1: fmt.Sprintf("%d rue de la République", 10+i), PostalCode: "69002", City: city, Country: country}
	case "NL":
		return crm.Address{Line1: fmt.Sprintf("Havenweg %d", 10+i), PostalCode: "3011 AB", City: city, Country: country}
	case "ES":
		return crm.Address{Line1: fmt.Sprintf("Calle Mayor %d", 10+i), PostalCode: "41001", City: city, Country: country}
	case "IT":
		return crm.Address{Line1: fmt.Sprintf("Via Roma %d", 10+i), PostalCode: "37121", City: city, Country: country}
	case "SG":
		return crm.Address{Line1: fmt.Sprintf("%d Raffles Place", 10+i), PostalCode: "048616", City: city, Country: country}
	}
	return crm.Address{Line1: fmt.Sprintf("%d Commerce Way", n), City: city, Country: country}
}
