package server

import (
	_ "embed"

	"github.com/gofiber/fiber/v2"
)

// redocJS is Redoc 2.5.2's standalone bundle (npm redoc@2.5.2, MIT); see
// assets/redoc/README.md.
//
//go:embed assets/redoc/redoc.standalone.js
var redocJS []byte

// apiDocsPage renders /api/v1/openapi.json with the embedded Redoc.
const apiDocsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Quotient API reference</title>
<style>body { margin: 0; }</style>
</head>
<body>
<redoc spec-url="/api/v1/openapi.json" required-props-first="true" sort-props-alphabetically="false" path-in-middle-panel="true"></redoc>
<script src="/api/docs/redoc.standalone.js"></script>
</body>
</html>
`

// apiDocsPolicy lets the page run only its own script and styles and
// reach only this server: nothing is loaded from other sites.
const apiDocsPolicy = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func (s *Server) apiDocs(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentSecurityPolicy, apiDocsPolicy)
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.SendString(apiDocsPage)
}

func (s *Server) apiDocsScript(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/javascript; charset=utf-8")
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderETag, `"redoc-2.5.2"`)
	if c.Get(fiber.HeaderIfNoneMatch) == `"redoc-2.5.2"` {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.Send(redocJS)
}
