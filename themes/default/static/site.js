/* OKR Pages: theme toggle, links from file://, charts, search. Plain script, no modules (file:// safe). */
(function () {
  "use strict";
  var root = document.documentElement;

  // Light/dark toggle; the choice is remembered, otherwise the system setting applies.
  var toggle = document.getElementById("theme-toggle");
  if (toggle) {
    toggle.addEventListener("click", function () {
      var dark = root.dataset.theme ? root.dataset.theme === "dark"
        : window.matchMedia("(prefers-color-scheme: dark)").matches;
      root.dataset.theme = dark ? "light" : "dark";
      try { localStorage.setItem("okr-theme", root.dataset.theme); } catch (e) { /* private mode */ }
      renderCharts();
    });
  }

  // Opened from disk, folder links would show a directory listing: point them at index.html.
  if (location.protocol === "file:") {
    var links = document.querySelectorAll("a[href], form[action]");
    for (var i = 0; i < links.length; i++) {
      var el = links[i], attr = el.tagName === "FORM" ? "action" : "href", href = el.getAttribute(attr);
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") continue;
      var parts = href.split("#"), path = parts[0];
      if (path === "" ) continue;
      if (path.slice(-1) === "/" || path === "." || path === "..") {
        parts[0] = path.replace(/\/?$/, "/") + "index.html";
        el.setAttribute(attr, parts.join("#"));
      }
    }
  }

  // Charts: each container holds its Vega-Lite spec as JSON; draw it with the bundled vega-embed.
  function themeIsDark() {
    return root.dataset.theme ? root.dataset.theme === "dark"
      : window.matchMedia("(prefers-color-scheme: dark)").matches;
  }
  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    var specs = document.querySelectorAll("script.vega-spec");
    var text = themeIsDark() ? "#d6dbe3" : "#3b4452";
    var grid = themeIsDark() ? "#333c4a" : "#e3e6eb";
    for (var i = 0; i < specs.length; i++) {
      var holder = specs[i].parentNode, spec = JSON.parse(specs[i].textContent);
      var target = holder.querySelector(".vega-target");
      if (!target) { target = document.createElement("div"); target.className = "vega-target"; holder.appendChild(target); }
      spec.config = Object.assign({}, spec.config || {}, {
        background: null,
        axis: Object.assign({}, (spec.config || {}).axis, { labelColor: text, titleColor: text, gridColor: grid, domainColor: grid, tickColor: grid }),
        legend: Object.assign({}, (spec.config || {}).legend, { labelColor: text, titleColor: text })
      });
      window.vegaEmbed(target, spec, { actions: false, renderer: "svg" }).then(function (result) {
        result.view.container().classList.add("vega-drawn");
      }).catch(function (error) {
        holder.setAttribute("data-chart-error", String(error));
      });
    }
  }
  renderCharts();

  // Search: a prebuilt index loaded as a plain script (fetch() is blocked from file://).
  var results = document.getElementById("search-results");
  if (results && window.OKR_SEARCH_INDEX) {
    var input = document.getElementById("search-input");
    var status = document.getElementById("search-status");
    var base = "../";
    var index = window.OKR_SEARCH_INDEX.map(function (doc) {
      return { doc: doc, title: doc.t.toLowerCase(), text: (doc.t + " " + doc.s + " " + doc.x).toLowerCase() };
    });
    var run = function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      results.innerHTML = "";
      if (!words.length) { status.textContent = "Type a word to search."; return; }
      var found = index.map(function (entry) {
        var score = 0;
        for (var w = 0; w < words.length; w++) {
          if (entry.text.indexOf(words[w]) < 0) return null;
          score += entry.title.indexOf(words[w]) >= 0 ? 3 : 1;
        }
        return { entry: entry, score: score };
      }).filter(Boolean).sort(function (a, b) { return b.score - a.score || a.entry.title.localeCompare(b.entry.title); });
      status.textContent = found.length + (found.length === 1 ? " result" : " results") + " for “" + input.value + "”";
      found.slice(0, 50).forEach(function (hit) {
        var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span"), sub = document.createElement("div");
        var url = base + hit.entry.doc.u;
        if (location.protocol === "file:" && (url.slice(-1) === "/")) url += "index.html";
        a.href = url; a.textContent = hit.entry.doc.t;
        kind.className = "kind"; kind.textContent = hit.entry.doc.k;
        sub.className = "muted"; sub.textContent = hit.entry.doc.s;
        li.appendChild(a); li.appendChild(kind); li.appendChild(sub); results.appendChild(li);
      });
    };
    var query = new URLSearchParams(location.search).get("q");
    if (query) input.value = query;
    input.addEventListener("input", run);
    run();
  }
})();
