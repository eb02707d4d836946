package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	"github.com/quotient-cpq/quotient"
	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/billing"
	"github.com/quotient-cpq/quotient/catalog"
	"github.com/quotient-cpq/quotient/crm"
	"github.com/quotient-cpq/quotient/inventory"
	"github.com/quotient-cpq/quotient/order"
	"github.com/quotient-cpq/quotient/quote"
	"github.com/quotient-cpq/quotient/store"
)

// demoClock is the time the demo's history happens at: each step of the
// history sets it, and the use cases it calls read it.
type demoClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *demoClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *demoClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// demoDeal is one sale of the demo's history: which account buys what,
// on which day (days before today), and what happens after.
type demoDeal struct {
	account int      // index in demoAccounts
	daysAgo int      // when the quote is made and accepted
	lines   []string // sku, quantity pairs
	ship    string   // "all", "part" or "" (not shipped yet)
	pay     string   // "on_time", "late", "part", "" (still open)
	credit  bool     // a goodwill credit note on its first invoice
}

var demoHistory = []demoDeal{
	{0, 150, []string{"SRV-EDGE-1", "4", "PS-INSTALL", "4", "SUP-BUSINESS", "4"}, "all", "on_time", false},
	{16, 145, []string{"NET-SW-24", "2", "HW-RACK-42", "1", "PS-INSTALL", "2"}, "all", "on_time", false},
	{10, 140, []string{"STO-NAS-24", "1", "HDD-16T", "8", "PS-MIGRATE", "3"}, "all", "late", true},
	{2, 132, []string{"NET-FW-200", "2", "PS-CONSULT", "12"}, "all", "on_time", false},
	{17, 125, []string{"SRV-EDGE-1", "2", "LIC-VIRT", "32", "PS-TRAIN", "1"}, "all", "on_time", false},
	{5, 118, []string{"HW-UPS-3K", "3", "HW-PDU-16", "6", "PS-INSTALL", "3"}, "all", "late", false},
	{11, 110, []string{"NET-SW-48", "2", "CBL-DAC-3M", "24", "SUP-BASIC", "2"}, "all", "on_time", false},
	{19, 104, []string{"SRV-EDGE-1", "3", "NIC-25G", "6", "PS-INSTALL", "3"}, "all", "", false},
	{7, 96, []string{"STO-NAS-24", "1", "SSD-3T84", "6", "SUP-BUSINESS", "1"}, "all", "part", false},
	{18, 90, []string{"NET-AP-6", "10", "PS-INSTALL", "2"}, "all", "on_time", true},
	{1, 84, []string{"SRV-EDGE-1", "2", "PS-PM", "5"}, "all", "", false},
	{12, 76, []string{"HW-RACK-42", "2", "HW-PDU-16", "4", "PS-INSTALL", "2"}, "all", "on_time", false},
	{3, 68, []string{"NET-FW-200", "1", "SAAS-SEC", "20", "PS-CONSULT", "8"}, "all", "late", false},
	{19, 60, []string{"SRV-EDGE-1", "2", "SUP-MC", "2"}, "all", "", false},
	{8, 52, []string{"NET-SW-24", "3", "CBL-DAC-3M", "12", "PS-INSTALL", "3"}, "all", "on_time", false},
	{15, 45, []string{"STO-NAS-24", "2", "HDD-16T", "12", "PS-MIGRATE", "2"}, "part", "", false},
	{4, 38, []string{"HW-UPS-3K", "2", "PS-INSTALL", "2"}, "all", "on_time", false},
	{13, 30, []string{"NET-AP-6", "8", "NET-SW-24", "1", "PS-INSTALL", "1"}, "all", "", false},
	{0, 24, []string{"SRV-EDGE-1", "2", "PS-INSTALL", "2"}, "part", "", false},
	{9, 18, []string{"HW-RACK-42", "1", "HW-PDU-16", "2", "PS-CONSULT", "6"}, "all", "on_time", false},
	{16, 12, []string{"NIC-25G", "4", "CBL-DAC-3M", "8"}, "all", "", false},
	{6, 9, []string{"SRV-EDGE-1", "1", "SUP-BUSINESS", "1"}, "", "", false},
	{14, 5, []string{"NET-FW-200", "1", "PS-INSTALL", "1"}, "", "", false},
}

// seedHistory gives the demo company months of business, made the way a
// user makes it, through the use cases, each on its own day: quotes
// accepted, orders shipped in full and in part, invoices paid on time, late
// and in part or left overdue, credit notes, stock replenished, dunning
// runs and commission paid month by month. quotient check passes after it.
func seedHistory(ctx context.Context, db *store.DB, now func() time.Time) error {
	clock := &demoClock{}
	h := wire(wiring{db: db, now: clock.Now, log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	a := h.app
	sys := app.System(ctx)
	today := now().UTC().Truncate(24 * time.Hour).Add(10 * time.Hour) // business hours
	at := func(daysAgo int) { clock.set(today.AddDate(0, 0, -daysAgo)) }

	users := map[string]crm.User{}
	us, err := a.Users(sys, crm.UserFilter{Page: quotient.Page{Limit: 50}})
	if err != nil {
		return err
	}
	for _, u := range us {
		users[u.Email] = u
	}
	actor := func(email string) context.Context {
		u := users[email]
		team := []string{u.ID}
		for _, o := range us {
			if o.ManagerID == u.ID {
				team = append(team, o.ID)
			}
		}
		return quotient.WithActor(ctx, quotient.Actor{UserID: u.ID, Role: u.Role, Team: team})
	}
	finance := actor("sofia.lindqvist@northwind.example")
	owners := map[string]string{"priya": "priya.nair@northwind.example", "kenji": "kenji.watanabe@northwind.example",
		"daniel": "daniel.reyes@northwind.example"}
	accounts := map[string]crm.Account{}
	accs, err := a.Accounts(sys, crm.AccountFilter{Page: quotient.Page{Limit: 200}})
	if err != nil {
		return err
	}
	for _, acc := range accs {
		accounts[acc.Name] = acc
	}
	products := map[string]string{}
	ps, err := a.Products(sys, catalog.ProductFilter{Page: quotient.Page{Limit: 500}})
	if err != nil {
		return err
	}
	for _, p := range ps {
		products[p.SKU] = p.ID
	}
	whs, err := a.Warehouses(sys, quotient.Page{Limit: 10})
	if err != nil || len(whs) == 0 {
		return fmt.Errorf("demo history: warehouses: %v", err)
	}
	aus := whs[0].ID
	sku := func(s string) (string, error) {
		if id, ok := products[s]; ok {
			return id, nil
		}
		return "", fmt.Errorf("demo history: no product %s", s)
	}
	// Stock arrives twice a quarter, so the deals can ship.
	restock := func(daysAgo int, ref string) error {
		at(daysAgo)
		in := inventory.ReceiptInput{WarehouseID: aus, Reference: ref}
		for _, s := range []string{"SRV-EDGE-1", "STO-NAS-24", "NET-SW-24", "NET-SW-48", "NET-FW-200", "NET-AP-6", "HW-RACK-42", "HW-UPS-3K",
			"HW-PDU-16", "SSD-3T84", "HDD-16T", "NIC-25G", "CBL-DAC-3M"} {
			id, err := sku(s)
			if err != nil {
				return err
			}
			in.Lines = append(in.Lines, inventory.ReceiptLine{ProductID: id, Quantity: decimal.NewFromInt(30)})
		}
		_, err := a.ReceiveStock(sys, in)
		return err
	}
	type open struct {
		deal demoDeal
		ord  order.Order
	}
	var made []open
	for _, day := range []int{155, 100, 50} {
		if err := restock(day, fmt.Sprintf("PO-DEMO-%d", 200-day)); err != nil {
			return fmt.Errorf("demo history: restock: %w", err)
		}
	}
	for i, dl := range demoHistory {
		spec := demoAccounts[dl.account]
		acc := accounts[spec.name]
		rep := actor(owners[spec.owner])
		at(dl.daysAgo)
		var lines []quote.Line
		for j := 0; j+1 < len(dl.lines); j += 2 {
			id, err := sku(dl.lines[j])
			if err != nil {
				return err
			}
			lines = append(lines, quote.Line{ProductID: id, Quantity: decimal.RequireFromString(dl.lines[j+1])})
		}
		q, err := a.CreateQuote(rep, quote.Input{AccountID: acc.ID, Terms: "Prices valid for 30 days.", Lines: lines})
		if err != nil {
			return fmt.Errorf("demo history: quote %d for %s: %w", i, spec.name, err)
		}
		sub, err := a.SubmitQuote(rep, q.Quote.ID)
		if err != nil {
			return fmt.Errorf("demo history: submit quote %d: %w", i, err)
		}
		if sub.Version.Status == quote.PendingApproval {
			if _, err := a.DecideQuote(sys, q.Quote.ID, "", quote.Approve, "approved for the demo history"); err != nil {
				return fmt.Errorf("demo history: approve quote %d: %w", i, err)
			}
		}
		at(dl.daysAgo - 2)
		o, err := a.ConvertQuote(rep, q.Quote.ID, quote.ConvertInput{SignerName: "Purchasing", SignerEmail: "purchasing@customer.example",
			Reason: "signed quote returned by e-mail"})
		if err != nil {
			return fmt.Errorf("demo history: accept quote %d: %w", i, err)
		}
		made = append(made, open{dl, o.Order})
	}
	// Shipments, a few days after each order.
	for i, m := range made {
		if m.deal.ship == "" || m.ord.HoldReason != "" {
			continue // not shipped yet, or held by credit control: both show in the demo
		}
		at(m.deal.daysAgo - 5)
		in := order.FulfillInput{WarehouseID: aus, Reference: fmt.Sprintf("1Z%08d", 40000+i)}
		for _, l := range m.ord.Lines {
			if l.ParentLineID != "" || l.Quantity == 0 {
				continue
			}
			q := l.Quantity
			if m.deal.ship == "part" && l.Stocked {
				q = max(l.Quantity/2, quotient.Quantity(1000000))
			}
			if l.Stocked && q > l.Reserved {
				q = l.Reserved
			}
			if q <= 0 {
				continue
			}
			in.Lines = append(in.Lines, order.FulfillLine{OrderLineID: l.ID, Quantity: q.Decimal()})
		}
		if len(in.Lines) == 0 {
			continue
		}
		if _, err := a.ShipOrder(sys, m.ord.ID, in); err != nil {
			return fmt.Errorf("demo history: ship order %s: %w", m.ord.Number, err)
		}
	}
	// Payments, credit notes, dunning and commission, in date order.
	for _, m := range made {
		invs, err := a.Invoices(finance, billing.InvoiceFilter{OrderID: m.ord.ID, Page: quotient.Page{Limit: 20}})
		if err != nil {
			return err
		}
		for k, inv := range invs {
			if m.deal.credit && k == 0 {
				at(m.deal.daysAgo - 12)
				cur, _ := quotient.LookupCurrency(inv.Currency)
				amt := cur.Round(cur.FromMinor(inv.Total).Mul(decimal.RequireFromString("0.05")))
				if _, err := a.IssueCreditNote(finance, billing.CreditNoteInput{InvoiceID: inv.ID, Amount: &amt,
					Reason: "goodwill: late delivery"}); err != nil {
					return fmt.Errorf("demo history: credit note on %s: %w", inv.Number, err)
				}
				rec, err := a.Invoice(finance, inv.ID)
				if err != nil {
					return err
				}
				inv = rec.Invoice
			}
			var when time.Time
			amount := inv.AmountDue
			switch m.deal.pay {
			case "on_time":
				when = inv.DueDate.Time().AddDate(0, 0, -3)
			case "late":
				when = inv.DueDate.Time().AddDate(0, 0, 24)
			case "part":
				when, amount = inv.DueDate.Time().AddDate(0, 0, -1), inv.AmountDue/2
			default:
				continue
			}
			if amount <= 0 || !when.Before(today) {
				continue // not due yet: still open
			}
			clock.set(when.Add(10 * time.Hour))
			cur, _ := quotient.LookupCurrency(inv.Currency)
			if _, err := a.ReceivePayment(finance, billing.PaymentInput{AccountID: inv.AccountID, Currency: inv.Currency,
				Amount: cur.FromMinor(amount), Method: "bank_transfer", Reference: "Remittance " + inv.Number,
				Allocations: []billing.AllocationInput{{InvoiceID: inv.ID, Amount: cur.FromMinor(amount)}}}); err != nil {
				return fmt.Errorf("demo history: payment of %s: %w", inv.Number, err)
			}
		}
	}
	// Reminders went out on the first of each month; commission for each
	// finished month was paid on the fifth of the next.
	for back := 4; back >= 1; back-- {
		first := time.Date(today.Year(), today.Month(), 1, 10, 0, 0, 0, time.UTC).AddDate(0, -back+1, 0)
		clock.set(first)
		if _, err := a.RunDunning(finance); err != nil {
			return fmt.Errorf("demo history: dunning on %s: %w", first.Format(time.DateOnly), err)
		}
		clock.set(first.AddDate(0, 0, 4))
		period := first.AddDate(0, -1, 0).Format("2006-01")
		for _, who := range []string{"priya", "kenji"} {
			if _, err := a.PayCommission(finance, users[owners[who]].ID, period); err != nil && quotient.ErrorCode(err) != quotient.Conflict {
				return fmt.Errorf("demo history: commission of %s for %s: %w", who, period, err)
			}
		}
	}
	return nil
}
