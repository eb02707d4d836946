// Quotient's workspace script: small conveniences over pages that work
// without it. htmx does the partial updates; this file adds copying a
// link and two keyboard shortcuts. No inline script anywhere (the pages'
// Content-Security-Policy forbids it).
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) return;
    var field = document.getElementById(btn.getAttribute("data-copy"));
    if (!field) return;
    var done = function () {
      var out = document.getElementById(btn.getAttribute("data-copy") + "-said");
      if (out) out.textContent = "Copied.";
    };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
  // "/" goes to the page's search field; "g" then "q" opens the quotes,
  // "g" then "h" home, "g" then "a" the accounts. Not while typing.
  var pending = "";
  document.addEventListener("keydown", function (ev) {
    var t = ev.target;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)))) return;
    if (ev.key === "/") {
      var search = document.querySelector("[data-search]");
      if (search) { ev.preventDefault(); search.focus(); }
      return;
    }
    if (pending === "g") {
      var to = { q: "/quotes", h: "/", a: "/accounts", o: "/orders" }[ev.key];
      pending = "";
      if (to) { ev.preventDefault(); window.location.assign(to); }
      return;
    }
    if (ev.key === "g") pending = "g";
  });
})();
