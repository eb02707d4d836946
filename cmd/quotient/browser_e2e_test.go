package main

import (
	"context"
	_ "embed"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
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

// newBrowser starts headless Chromium (no sandbox, no GPU, no background
// networking) with a window of the given size, and returns its context.
func newBrowser(t *testing.T, width, height int) context.Context {
	return newBrowserFor(t, width, height, 90*time.Second)
}

// newBrowserFor is newBrowser for a walk that may take up to limit.
func newBrowserFor(t *testing.T, width, height int, limit time.Duration) context.Context {
	bin := chromiumPath(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Headless,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	return browser
}

// keepScreenshot writes a PNG to the test's artifact directory.
func keepScreenshot(t *testing.T, name string, png []byte) {
	out := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)
}

// TestPortalInBrowser opens a sent quote's portal page in headless
// Chromium, fills in the name and e-mail, ticks the box, accepts, sees the
// confirmation, and keeps a screenshot in the test's artifact directory.
func TestPortalInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, map[string]string{"QUOTIENT_SECRET": testSecret})
		tm := a.makeTeam()
		id, _ := sentQuoteFixture(t, a, tm, "SRV-B1")
		link := a.must(200, "POST", "/api/v1/quotes/"+id+"/send", tm.rep, nil).json(t)["portal_url"].(string)
		browser := newBrowser(t, 420, 900)

		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("browser: %s: %v", what, err)
			}
		}
		step("open the portal", chromedp.Do(browser, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("signer_name"))))
		checkAccessible(t, browser, "the portal")
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
		keepScreenshot(t, "portal-accepted.png", shot)
		if st := a.must(200, "GET", "/api/v1/quotes/"+id, tm.rep, nil).str(t, "status"); st != "accepted" {
			t.Fatalf("quote status after the browser accepted: %s", st)
		}
	})
}

// TestAPIReferenceInBrowser opens /api/docs in headless Chromium: the
// embedded Redoc renders the server's OpenAPI document (an operation, its
// description, its required fields and its errors are on the page), and
// no request leaves the machine: the one off-site image in the bundle is
// blocked by the page's Content-Security-Policy before it is fetched.
func TestAPIReferenceInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	storetest.Each(t, func(t *testing.T, db string) {
		a := start(t, db, nil)
		browser := newBrowser(t, 1280, 900)
		var mu sync.Mutex
		offsite := map[network.RequestID]string{}
		var fetched, blocked []string
		step := func(what string, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("browser: %s: %v", what, err)
			}
		}
		step("listen", chromedp.Listen(browser, func(ev any) {
			mu.Lock()
			defer mu.Unlock()
			switch e := ev.(type) {
			case *network.EventRequestWillBeSent:
				if u, err := url.Parse(e.Request.URL); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "127.0.0.1" {
					offsite[e.RequestID] = e.Request.URL
				}
			case *network.EventResponseReceived:
				if u, ok := offsite[e.RequestID]; ok {
					fetched = append(fetched, u)
				}
			case *network.EventLoadingFailed:
				if u, ok := offsite[e.RequestID]; ok && e.BlockedReason == network.BlockedReasonCsp {
					blocked = append(blocked, u)
				}
			}
		}))
		step("open the reference", chromedp.Do(browser, chromedp.Navigate(a.base+"/api/docs"),
			chromedp.WaitVisible(chromedp.CSS(`[data-section-id="tag/opportunities"]`))))
		ready, err := chromedp.Run(browser, chromedp.Poll[bool](`document.body.innerText.includes("Create an opportunity")`))
		step("wait for the operations", err)
		text, err := chromedp.Run(browser, chromedp.Evaluate[string](`document.body.innerText`))
		step("read the page", err)
		for _, want := range []string{"Quotient API", "Create an opportunity", "Opens a potential sale on an account",
			"Who may: admins, sales managers and sales reps (not finance).", "close_date", "required", "Idempotency-Key"} {
			if !ready || !strings.Contains(text, want) {
				t.Errorf("the reference page lacks %q", want)
			}
		}
		step("go to an operation", chromedp.Do(browser, chromedp.Navigate(a.base+"/api/docs#tag/opportunities/operation/post_opportunities"),
			chromedp.Sleep(500*time.Millisecond)))
		shot, err := chromedp.Run(browser, chromedp.CaptureScreenshot())
		step("screenshot", err)
		keepScreenshot(t, "api-reference.png", shot)
		mu.Lock()
		defer mu.Unlock()
		if len(fetched) > 0 {
			t.Errorf("the reference page fetched from other sites: %v", fetched)
		}
		if len(offsite) != len(blocked) {
			t.Errorf("off-site requests %v, of which the policy blocked %v", offsite, blocked)
		}
	})
}

//go:embed testdata/axe/axe.min.js
var axeSource string

// axeViolation is one accessibility rule a page breaks, as axe-core says.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []string `json:"target"`
	} `json:"nodes"`
}

// checkAccessible runs axe-core (vendored, through the DevTools protocol,
// so the page's script-free policy does not apply) on the page the
// browser shows, and fails on any serious or critical violation.
func checkAccessible(t *testing.T, browser context.Context, page string) {
	t.Helper()
	if err := chromedp.Do(browser, chromedp.Evaluate[chromedp.Void](axeSource)); err != nil {
		t.Fatalf("load axe-core on %s: %v", page, err)
	}
	found, err := chromedp.Run(browser, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r => r.violations)`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe-core on %s: %v", page, err)
	}
	for _, v := range found {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: %s (%s) %s at %v", page, v.ID, v.Impact, v.Help, v.Nodes)
		}
	}
}
