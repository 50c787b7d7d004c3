/* OKR Pages: theme toggle, links from file://, charts, scrolling tables, search. Plain script, no
   modules (file:// safe). */
(function () {
  "use strict";
  var root = document.documentElement;

  function themeIsDark() {
    return root.dataset.theme ? root.dataset.theme === "dark"
      : window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  // Light/dark toggle, a button that says whether the dark theme is on; the choice is remembered,
  // otherwise the system setting applies.
  var toggle = document.getElementById("theme-toggle");
  function showTheme() {
    if (toggle) toggle.setAttribute("aria-pressed", themeIsDark() ? "true" : "false");
  }
  if (toggle) {
    showTheme();
    toggle.addEventListener("click", function () {
      root.dataset.theme = themeIsDark() ? "light" : "dark";
      try { localStorage.setItem("okr-theme", root.dataset.theme); } catch (e) { /* private mode */ }
      showTheme();
      renderCharts();
    });
    if (window.matchMedia) {
      var scheme = window.matchMedia("(prefers-color-scheme: dark)");
      var follow = function () { if (!root.dataset.theme) { showTheme(); renderCharts(); } };
      if (scheme.addEventListener) scheme.addEventListener("change", follow);
    }
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

  // A table's scrolling box takes keyboard focus only while it has something to scroll.
  var boxes = document.querySelectorAll(".table-scroll");
  function focusable() {
    for (var i = 0; i < boxes.length; i++) {
      if (boxes[i].scrollWidth > boxes[i].clientWidth + 1) boxes[i].setAttribute("tabindex", "0");
      else boxes[i].removeAttribute("tabindex");
    }
  }
  if (boxes.length) {
    focusable();
    window.addEventListener("resize", focusable);
  }

  // Charts: each container holds its Vega-Lite spec as JSON; draw it with the bundled vega-embed.
  // Text and rule colours come from the stylesheet (per theme, and for print); tooltips follow the theme.
  function renderCharts() {
    if (typeof window.vegaEmbed !== "function") return;
    var specs = document.querySelectorAll("script.vega-spec");
    for (var i = 0; i < specs.length; i++) {
      var holder = specs[i].parentNode, spec = JSON.parse(specs[i].textContent);
      var target = holder.querySelector(".vega-target");
      if (!target) { target = document.createElement("div"); target.className = "vega-target"; holder.appendChild(target); }
      spec.config = Object.assign({}, spec.config || {}, { background: null });
      window.vegaEmbed(target, spec, {
        actions: false, renderer: "svg", tooltip: { theme: themeIsDark() ? "dark" : "light" }
      }).then(function (result) {
        result.view.container().classList.add("vega-drawn");
      }).catch(function (error) {
        holder.setAttribute("data-chart-error", String(error));
      });
    }
  }
  renderCharts();

  // Search: a prebuilt index loaded as a plain script (fetch() is blocked from file://). Every
  // word typed must match a word of the entry: as part of it, or a whole word one typo away
  // (a letter missing, added, changed, or two swapped).
  var results = document.getElementById("search-results");
  if (results && window.OKR_SEARCH_INDEX) {
    var input = document.getElementById("search-input");
    var status = document.getElementById("search-status");
    var messages = JSON.parse(document.getElementById("search-messages").textContent);
    // The count's words in the page's language: its plural category picks the message.
    var lang = root.lang || "en";
    var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
    var base = "../";
    var index = window.OKR_SEARCH_INDEX.map(function (doc) {
      var text = (doc.t + " " + doc.s + " " + doc.x).toLowerCase();
      return { doc: doc, title: doc.t.toLowerCase(), text: text, body: doc.x.toLowerCase() };
    });
    var vocabulary = null;  // word → indexes of the entries holding it, built on the first search
    function words(text) { return text.split(/[^0-9a-z\u00c0-\uffff]+/).filter(Boolean); }
    function buildVocabulary() {
      vocabulary = new Map();
      index.forEach(function (entry, n) {
        words(entry.text).forEach(function (word) {
          var list = vocabulary.get(word);
          if (!list) vocabulary.set(word, list = []);
          if (list[list.length - 1] !== n) list.push(n);
        });
      });
    }
    // Optimal string alignment distance, given up on as soon as it exceeds 1.
    function withinOne(a, b) {
      if (Math.abs(a.length - b.length) > 1) return false;
      var previous2 = null, previous = [], current, i, j;
      for (j = 0; j <= b.length; j++) previous.push(j);
      for (i = 1; i <= a.length; i++) {
        current = [i];
        var best = i;
        for (j = 1; j <= b.length; j++) {
          var cost = a.charAt(i - 1) === b.charAt(j - 1) ? 0 : 1;
          var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
          if (previous2 && i > 1 && j > 1 && a.charAt(i - 1) === b.charAt(j - 2) && a.charAt(i - 2) === b.charAt(j - 1)) {
            value = Math.min(value, previous2[j - 2] + 1);
          }
          current.push(value);
          if (value < best) best = value;
        }
        if (best > 1) return false;
        previous2 = previous; previous = current;
      }
      return previous[b.length] <= 1;
    }
    // The words of the index one typo away from a typed word (only for words of four letters or more).
    function nearWords(word) {
      if (word.length < 4) return [];
      if (!vocabulary) buildVocabulary();
      var near = [];
      vocabulary.forEach(function (entries, candidate) {
        if (candidate !== word && withinOne(word, candidate)) near.push(candidate);
      });
      return near;
    }
    function snippet(entry, terms) {
      // The words around the first place the body matches, the matches marked.
      var text = entry.doc.x, lower = entry.body, at = -1, term = "";
      for (var i = 0; i < terms.length && at < 0; i++) { at = lower.indexOf(terms[i]); term = terms[i]; }
      if (at < 0) return null;
      var start = Math.max(0, at - 60), end = Math.min(text.length, at + term.length + 100);
      if (start > 0) start = text.indexOf(" ", start) + 1 || start;
      var piece = text.slice(start, end), lowerPiece = piece.toLowerCase();
      var p = document.createElement("p"), from = 0;
      p.className = "snippet muted";
      if (start > 0) p.appendChild(document.createTextNode("… "));
      while (from < piece.length) {
        var next = -1, length = 0;
        terms.forEach(function (t) {
          var found = lowerPiece.indexOf(t, from);
          if (found >= 0 && (next < 0 || found < next)) { next = found; length = t.length; }
        });
        if (next < 0) { p.appendChild(document.createTextNode(piece.slice(from))); break; }
        p.appendChild(document.createTextNode(piece.slice(from, next)));
        var mark = document.createElement("mark");
        mark.textContent = piece.slice(next, next + length);
        p.appendChild(mark);
        from = next + length;
      }
      if (end < text.length) p.appendChild(document.createTextNode(" …"));
      return p;
    }
    var originalTitle = document.title;
    var run = function () {
      var query = input.value.trim(), typed = words(query.toLowerCase());
      results.innerHTML = "";
      if (!typed.length) {
        status.textContent = messages.empty;
        document.title = originalTitle;
        return;
      }
      var alternatives = typed.map(function (word) {
        var near = new Map();  // entry index → the word one typo away that it holds
        nearWords(word).forEach(function (candidate) {
          vocabulary.get(candidate).forEach(function (n) { if (!near.has(n)) near.set(n, candidate); });
        });
        return { word: word, near: near };
      });
      var found = [];
      index.forEach(function (entry, n) {
        var score = 0, terms = [];
        for (var w = 0; w < alternatives.length; w++) {
          var exact = entry.text.indexOf(alternatives[w].word) >= 0;
          var hit = exact ? alternatives[w].word : alternatives[w].near.get(n);
          if (!hit) return;
          terms.push(hit);
          score += (entry.title.indexOf(hit) >= 0 ? 3 : 1) * (exact ? 2 : 1);
        }
        found.push({ entry: entry, score: score, terms: terms });
      });
      found.sort(function (a, b) { return b.score - a.score || a.entry.title.localeCompare(b.entry.title); });
      var category = plural ? plural.select(found.length) : (found.length === 1 ? "one" : "other");
      var template = messages.results[category] || messages.results.other;
      status.textContent = template.replace("{num}", found.length.toLocaleString(lang)).replace("{query}", query);
      document.title = messages.title.replace("{query}", query) + " · " + messages.site;
      found.slice(0, 50).forEach(function (hit) {
        var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span"), sub = document.createElement("div");
        var url = base + hit.entry.doc.u;
        if (location.protocol === "file:" && (url.slice(-1) === "/")) url += "index.html";
        a.href = url; a.textContent = hit.entry.doc.t;
        kind.className = "kind"; kind.textContent = hit.entry.doc.k;
        sub.className = "muted"; sub.textContent = hit.entry.doc.s;
        li.appendChild(a); li.appendChild(kind);
        if (hit.entry.doc.s) li.appendChild(sub);
        var text = snippet(hit.entry, hit.terms);
        if (text) li.appendChild(text);
        results.appendChild(li);
      });
    };
    var query = new URLSearchParams(location.search).get("q");
    if (query) input.value = query;
    input.addEventListener("input", run);
    run();
  }
})();
