package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/quotient-cpq/quotient/store/storetest"
)

// chromiumPath finds Debian's chromium, or skips the test saying how to
// get it (.ci/run installs it).
func chromiumPath(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("browser test skipped: chromium not installed (apt-get install chromium); .ci/run installs it")
	return ""
}

// TestPortalInBrowser opens a sent quote's portal page in headless
// Chromium, fills in the name and e-mail, ticks the box, accepts, sees the
// confirmation, and keeps a screenshot in the test's artifact directory.
func TestPortalInBrowser(t *testing.T) {
	t.Parallel()
	bin := chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, map[string]string{"QUOTIENT_SECRET": testSecret})
		tm := a.makeTeam()
		id, _ := sentQuoteFixture(t, a, tm, "SRV-B1")
		link := a.must(200, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, nil).json(t)["portal_url"].(string)

		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Headless,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
			chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(420, 900))
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
		defer cancelAlloc()
		browser, cancelBrowser := chromedp.NewContext(alloc)
		defer cancelBrowser()

		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("browser: %s: %v", what, err)
			}
		}
		step("open the portal", chromedp.Do(browser, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("signer_name"))))
		before, err := chromedp.Run(browser, chromedp.Text(chromedp.CSS("h1")))
		step("read the title", err)
		step("fill in and accept", chromedp.Do(browser,
			chromedp.SendKeys(chromedp.ID("signer_name"), "山田 太郎"),
			chromedp.SendKeys(chromedp.ID("signer_email"), "taro@portal.example"),
			chromedp.Click(chromedp.ID("accept")),
			chromedp.Click(chromedp.ID("accept-button")),
			chromedp.WaitVisible(chromedp.ID("message"))))
		after, err := chromedp.Run(browser, chromedp.Text(chromedp.ID("message")))
		step("read the confirmation", err)
		shot, err := chromedp.Run(browser, chromedp.FullScreenshot(100) /* 100: PNG */)
		step("screenshot", err)
		if !strings.Contains(before, "Q-") || !strings.Contains(after, "山田 太郎") || !strings.Contains(after, "quote accepted") {
			t.Fatalf("page said %q, then %q", before, after)
		}
		out := filepath.Join(t.ArtifactDir(), "portal-accepted.png")
		if err := os.WriteFile(out, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", out)
		if st := a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil).str(t, "status"); st != "accepted" {
			t.Fatalf("quote status after the browser accepted: %s", st)
		}
	})
}
