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
      // A link may carry a query (explore/?team=sales): the folder is before it.
      var hash = href.indexOf("#"), rest = hash < 0 ? "" : href.slice(hash);
      var before = hash < 0 ? href : href.slice(0, hash), query = before.indexOf("?");
      var path = query < 0 ? before : before.slice(0, query), search = query < 0 ? "" : before.slice(query);
      if (path === "") continue;
      if (path.slice(-1) === "/" || path === "." || path === "..") {
        el.setAttribute(attr, path.replace(/\/?$/, "/") + "index.html" + search + rest);
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

  // Search: a prebuilt index in parts, each a plain script (fetch() is blocked from file://). The
  // entry file names the parts; the word lists filed under a typed word's first two letters are
  // loaded as it is typed, and each result's fragment (title, address, text) as it is shown. Every
  // word typed must begin a word of the page, or be one typo away from one (a letter missing,
  // added, changed, or two swapped, after its first two letters).
  var results = document.getElementById("search-results");
  var search = window.OKR_SEARCH;
  if (results && search) {
    var input = document.getElementById("search-input");
    var status = document.getElementById("search-status");
    var messages = JSON.parse(document.getElementById("search-messages").textContent);
    // The count's words in the page's language: its plural category picks the message.
    var lang = root.lang || "en";
    var plural = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
    var base = "../", parts = base + "assets/search/";
    var shards = {}, fragments = {}, waiting = {};
    search.shard = function (key, words) { shards[key] = words; };
    search.fragment = function (key, doc) { fragments[key] = doc; };
    function load(file, ready) {
      // One <script> per part, once; resolves whether it loads or not (a missing part finds nothing).
      if (!waiting[file]) {
        waiting[file] = new Promise(function (resolve) {
          var script = document.createElement("script");
          script.src = parts + file;
          script.onload = script.onerror = function () { resolve(); };
          document.head.appendChild(script);
        });
      }
      return waiting[file];
    }
    function words(text) { return text.split(/[^0-9a-z\u00c0-\uffff]+/).filter(Boolean); }
    function keysFor(word) {
      var key = word.slice(0, 2);
      if (word.length >= 2) return search.shards[key] ? [key] : [];
      return Object.keys(search.shards).filter(function (k) { return k.charAt(0) === word; });
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
    // The pages each typed word finds: doc number → [rank, the word of the page it matched].
    function matches(word) {
      var found = new Map(), near = [];
      keysFor(word).forEach(function (key) {
        var listed = shards[key] || {};
        Object.keys(listed).forEach(function (candidate) {
          if (candidate.indexOf(word) === 0) add(listed[candidate], candidate, 2);
          else if (word.length >= 4 && withinOne(word, candidate)) near.push([listed[candidate], candidate]);
        });
      });
      near.forEach(function (pair) { add(pair[0], pair[1], 1); });
      function add(postings, candidate, weight) {
        postings.forEach(function (posting) {
          var doc = posting >> 1, rank = ((posting & 1) ? 3 : 1) * weight, had = found.get(doc);
          if (!had || had[0] < rank) found.set(doc, [rank, candidate]);
        });
      }
      return found;
    }
    function snippet(doc, terms) {
      // The words around the first place the text matches, the matches marked.
      var text = doc.x, lower = text.toLowerCase(), at = -1, term = "";
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
          var hit = lowerPiece.indexOf(t, from);
          if (hit >= 0 && (next < 0 || hit < next)) { next = hit; length = t.length; }
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
    var originalTitle = document.title, latest = 0;
    var run = function () {
      var query = input.value.trim(), typed = words(query.toLowerCase()), asked = ++latest;
      if (!typed.length) {
        results.innerHTML = "";
        status.textContent = messages.empty;
        document.title = originalTitle;
        return;
      }
      var keys = [];
      typed.forEach(function (word) { keys = keys.concat(keysFor(word)); });
      Promise.all(keys.map(function (key) { return load("w/" + search.shards[key] + ".js"); })).then(function () {
        if (asked !== latest) return;  // a later query is on its way
        var perWord = typed.map(matches), found = [];
        perWord[0].forEach(function (first, doc) {
          var score = 0, terms = [];
          for (var w = 0; w < perWord.length; w++) {
            var hit = perWord[w].get(doc);
            if (!hit) return;
            score += hit[0]; terms.push(hit[1]);
          }
          found.push({ doc: doc, score: score, terms: terms });
        });
        found.sort(function (a, b) { return b.score - a.score || a.doc - b.doc; });
        var shown = found.slice(0, 50);
        return Promise.all(shown.map(function (hit) { return load("f/" + search.docs[hit.doc] + ".js"); })).then(function () {
          if (asked !== latest) return;
          show(query, found.length, shown);
        });
      });
    };
    function show(query, count, shown) {
      results.innerHTML = "";
      var category = plural ? plural.select(count) : (count === 1 ? "one" : "other");
      var template = messages.results[category] || messages.results.other;
      status.textContent = template.replace("{num}", count.toLocaleString(lang)).replace("{query}", query);
      document.title = messages.title.replace("{query}", query) + " · " + messages.site;
      shown.forEach(function (hit) {
        var doc = fragments[search.docs[hit.doc]];
        if (!doc) return;
        var li = document.createElement("li"), a = document.createElement("a"), kind = document.createElement("span"), sub = document.createElement("div");
        var url = base + doc.u;
        if (location.protocol === "file:" && (url.slice(-1) === "/")) url += "index.html";
        a.href = url; a.textContent = doc.t;
        kind.className = "kind"; kind.textContent = doc.k;
        sub.className = "muted"; sub.textContent = doc.s;
        li.appendChild(a); li.appendChild(kind);
        if (doc.s) li.appendChild(sub);
        var text = snippet(doc, hit.terms);
        if (text) li.appendChild(text);
        results.appendChild(li);
      });
    }
    var query = new URLSearchParams(location.search).get("q");
    if (query) input.value = query;
    input.addEventListener("input", run);
    run();
  }
})();
