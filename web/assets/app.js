// Quotient's workspace script: small conveniences over pages that work
// without it. htmx does the partial updates; this file adds copying a
// link, moving pipeline cards by drag, and keyboard shortcuts. No inline script anywhere (the pages'
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
  // The pipeline board: a card dragged to another stage's column moves
  // there through the card's own form (the keyboard's way too), which
  // htmx posts; the server answers with the board as it is now.
  var dragged = null;
  document.addEventListener("dragstart", function (ev) {
    var card = ev.target.closest && ev.target.closest("[data-card]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    ev.dataTransfer.effectAllowed = "move";
    ev.dataTransfer.setData("text/plain", card.getAttribute("data-card"));
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    dragged = null;
    document.querySelectorAll(".drop-here").forEach(function (el) { el.classList.remove("drop-here"); });
  });
  var column = function (ev) {
    var col = ev.target.closest && ev.target.closest("[data-board] [data-stage]");
    return dragged && col && !col.contains(dragged) ? col : null;
  };
  document.addEventListener("dragover", function (ev) {
    var col = column(ev);
    if (!col) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = "move";
    col.classList.add("drop-here");
  });
  document.addEventListener("dragleave", function (ev) {
    var col = ev.target.closest && ev.target.closest("[data-stage]");
    if (col && !col.contains(ev.relatedTarget)) col.classList.remove("drop-here");
  });
  document.addEventListener("drop", function (ev) {
    var col = column(ev);
    if (!col) return;
    ev.preventDefault();
    var form = dragged.querySelector("form.move");
    var select = form && form.querySelector("select[name=stage]");
    if (!select) return;
    select.value = col.getAttribute("data-stage");
    if (form.requestSubmit) form.requestSubmit(); else form.querySelector("button[type=submit]").click();
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
// A manual journal entry: the debit and credit totals and their
// difference as one types; the server checks them again on posting.
(function () {
  "use strict";
  var form = document.querySelector("form[data-balance]");
  if (!form) return;
  var cents = function (s) {
    s = (s || "").replace(/,/g, "").trim();
    if (s === "" || !/^\d+(\.\d+)?$/.test(s)) return s === "" ? 0 : NaN;
    var parts = s.split(".");
    return parseInt(parts[0], 10) * 10000 + parseInt(((parts[1] || "") + "0000").slice(0, 4), 10);
  };
  var show = function (n) { return (n / 10000).toFixed(2); };
  var update = function () {
    var dr = 0, cr = 0, bad = false;
    form.querySelectorAll("input[data-side]").forEach(function (el) {
      var v = cents(el.value);
      if (isNaN(v)) { bad = true; return; }
      if (el.getAttribute("data-side") === "debit") dr += v; else cr += v;
    });
    document.getElementById("total-debit").textContent = show(dr);
    document.getElementById("total-credit").textContent = show(cr);
    var out = document.getElementById("imbalance");
    var say = function (k) { return form.getAttribute("data-" + k); };
    if (bad) { out.textContent = say("nan"); out.className = "bad"; }
    else if (dr === cr) { out.textContent = dr === 0 ? say("empty") : say("ok"); out.className = dr === 0 ? "hint" : "good"; }
    else { out.textContent = say("off") + " " + show(Math.abs(dr - cr)) + " (" + say(dr > cr ? "more-debits" : "more-credits") + ")."; out.className = "bad"; }
  };
  form.addEventListener("input", update);
  update();
})();
