package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/quotient-cpq/quotient/app"
	"github.com/quotient-cpq/quotient/catalog"
)

// importCmd loads a CSV in one transaction: every row is written or none.
func importCmd(ctx context.Context, args []string, env Env) error {
	var cfg config
	fs := flags("import", env, &cfg)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: quotient import products|price-book-entries|exchange-rates FILE.csv [flags]\n\nColumns:\n  products: %s\n  price-book-entries: %s\n  exchange-rates: %s\n\n",
			strings.Join(catalog.ProductColumns, ","), strings.Join(catalog.EntryColumns, ","), strings.Join(app.RateColumns, ","))
		fs.PrintDefaults()
	}
	if len(args) < 2 {
		fs.Usage()
		return usageError{"import needs a kind (products, price-book-entries or exchange-rates) and a file"}
	}
	kind, path := args[0], args[1]
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	if kind != "products" && kind != "price-book-entries" && kind != "exchange-rates" {
		return usageError{fmt.Sprintf("unknown import kind %q: use products, price-book-entries or exchange-rates", kind)}
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	db, err := openDB(ctx, cfg, newLogger(cfg, env.Stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	a := wire(wiring{db: db}).app
	run := a.ImportProducts
	switch kind {
	case "price-book-entries":
		run = a.ImportEntries
	case "exchange-rates":
		run = a.ImportExchangeRates
	}
	bar := newProgress(env.Stderr, "importing "+kind)
	res, err := run(app.System(ctx), f, bar.update)
	bar.done()
	var ie *catalog.ImportError
	if errors.As(err, &ie) {
		fmt.Fprintf(env.Stderr, "%s: nothing was imported; fix these %d problem(s) and run the import again:\n", path, len(ie.Errors))
		for _, r := range ie.Errors {
			fmt.Fprintf(env.Stderr, "  row %d, column %s: %s\n", r.Row, r.Column, r.Message)
		}
		return errors.New("import rejected")
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s: imported %d %s (%d created, %d updated", path, res.Created+res.Updated, kind, res.Created, res.Updated)
	if res.Unchanged > 0 {
		fmt.Fprintf(env.Stdout, ", %d unchanged", res.Unchanged)
	}
	fmt.Fprintln(env.Stdout, ")")
	return nil
}

// progress draws a bar on a terminal and stays silent otherwise (logs and
// pipes get only the summary line).
type progress struct {
	w     io.Writer
	label string
	tty   bool
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, label string) *progress {
	p := &progress{w: w, label: label}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(done, total int) {
	if !p.tty || total == 0 || (time.Since(p.last) < 50*time.Millisecond && done < total) {
		return
	}
	p.last = time.Now()
	const width = 30
	n := done * width / total
	fmt.Fprintf(p.w, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total)
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
