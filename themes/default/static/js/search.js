/*! Waymark site search.
 *
 * - Every `form[role=search]` with an input named `q` shows results as you
 *   type; the arrow keys move through them, Escape closes them, Enter on the
 *   box opens the full results page. `/` focuses the box.
 * - The page at /search/ (an element with `data-search-page`) shows the
 *   results for `?q=...` without typing, and updates as you type.
 * - Nothing loads until first use: then the index manifest, MiniSearch, the
 *   Porter stemmer and the index shards are added as <script> elements,
 *   which works from any static host and from a copy opened from disk
 *   (file://). No request leaves the site.
 *
 * Relevance: MiniSearch's BM25 over title (boosted most), headings,
 * description, taxonomy terms, section and body text; prefix and fuzzy
 * (about one typo in five letters) matching of what was typed; English
 * stemming by query expansion: each word also matches every indexed word
 * with the same Porter stem ("planning" finds "plans" and "planned").
 * All words must match; if none does, any word may.
 *
 * Runs under Node too (module.exports), so the tests rank with this code.
 */
(function (factory) {
  'use strict';
  var api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (typeof document !== 'undefined') {
    api.boot(document.currentScript);
  }
})(function () {
  'use strict';

  var FIELDS = ['t', 'h', 'd', 'g', 's', 'x'];
  var BOOST = { t: 6, h: 2.5, d: 2, g: 2, s: 1, x: 1 };
  // Words: runs of anything but white space and punctuation (MiniSearch's own split).
  var TOKEN = /[^\n\r\p{Z}\p{P}]+/gu;
  var KIND = ['', 'Section', 'Assessment'];
  var PANEL_RESULTS = 8;
  var PAGE_RESULTS = 50;
  var SNIPPET = 180;

  function tokenize(text) {
    return String(text || '').match(TOKEN) || [];
  }

  /** An index term: lower case; single letters dropped (the "s" of "it's"). */
  function term(word) {
    var w = word.toLowerCase();
    return w.length > 1 || /\d/.test(w) ? w : null;
  }

  /**
   * The engine: documents in, ranked results out. `lib` holds MiniSearch and
   * the stemmer (globals in the browser, required modules under Node).
   */
  function Engine(lib, manifest) {
    var self = this;
    var stem = lib.stemmer;
    var stems = new Map(); // term -> stem
    var byStem = new Map(); // stem -> Set of terms
    this.manifest = manifest;
    this.docs = [];
    function processTerm(word) {
      var t = term(word);
      if (t && !stems.has(t)) {
        var s = stem(t);
        stems.set(t, s);
        if (!byStem.has(s)) byStem.set(s, new Set());
        byStem.get(s).add(t);
      }
      return t;
    }
    this.mini = new lib.MiniSearch({
      idField: 'id',
      fields: FIELDS,
      tokenize: tokenize,
      processTerm: processTerm,
      extractField: function (doc, field) {
        return doc[field];
      },
      searchOptions: {
        tokenize: tokenize,
        processTerm: term,
        boost: BOOST
      }
    });
    this.variants = function (word) {
      var set = byStem.get(stems.get(word) || stem(word));
      var out = [];
      if (set) {
        set.forEach(function (t) {
          if (t !== word) out.push(t);
        });
      }
      return out;
    };
    this.add = function (shard) {
      var sections = manifest.sections || [];
      var docs = shard.docs.map(function (r, i) {
        return {
          id: self.docs.length + i,
          p: r[0],
          t: r[1],
          s: r[2] >= 0 ? sections[r[2]] : '',
          k: r[3],
          d: r[4],
          h: r[5],
          g: r[6],
          x: r[7]
        };
      });
      docs.forEach(function (d) {
        self.docs.push(d);
      });
      self.mini.addAll(docs);
    };
  }

  /** The MiniSearch query for what was typed, or null when there is no word. */
  Engine.prototype.query = function (text, combineWith) {
    var self = this;
    var words = tokenize(text).map(term).filter(Boolean);
    if (!words.length) return null;
    return {
      combineWith: combineWith,
      queries: words.map(function (w) {
        var typed = {
          queries: [w],
          prefix: w.length > 1,
          fuzzy: w.length > 3 ? 0.2 : false
        };
        var same = self.variants(w);
        if (!same.length) return typed;
        return {
          combineWith: 'OR',
          queries: [typed, { queries: same, prefix: false, fuzzy: false }]
        };
      })
    };
  };

  /**
   * Ranked results: {doc, score, terms, title: parts, snippet: parts, href},
   * where parts are [{text, mark}] with `mark` on the words that matched.
   */
  Engine.prototype.search = function (text, limit) {
    var q = this.query(text, 'AND');
    if (!q) return { total: 0, results: [] };
    var hits = this.mini.search(q);
    if (!hits.length && q.queries.length > 1) {
      hits = this.mini.search(this.query(text, 'OR'));
    }
    var self = this;
    return {
      total: hits.length,
      results: hits.slice(0, limit || PAGE_RESULTS).map(function (h) {
        var doc = self.docs[h.id];
        var terms = new Set(h.terms);
        // The snippet comes from the first text with a match: body, headings,
        // description; else the start of the body (the match was in the title).
        var texts = [doc.x, doc.h && doc.h.replace(/\n/g, ' · '), doc.d].filter(Boolean);
        var where =
          texts.filter(function (t) {
            return marks(t, terms).length > 0;
          })[0] ||
          doc.d ||
          doc.x ||
          '';
        return {
          doc: doc,
          score: h.score,
          terms: h.terms,
          title: highlight(doc.t, terms, Infinity),
          snippet: highlight(where, terms, SNIPPET),
          href: self.href(doc.p)
        };
      })
    };
  };

  /** A site path as a URL relative to the site root (`index.html` added in portable copies). */
  Engine.prototype.href = function (path) {
    var rel = String(path).replace(/^\//, '');
    if (this.manifest.portable && (rel === '' || /\/$/.test(rel))) rel += 'index.html';
    return rel;
  };

  function marks(text, terms) {
    var out = [];
    var m;
    TOKEN.lastIndex = 0;
    while ((m = TOKEN.exec(text))) {
      if (terms.has(m[0].toLowerCase())) out.push([m.index, m.index + m[0].length]);
    }
    return out;
  }

  /** `text` cut to about `max` characters around the densest run of matches, as parts. */
  function highlight(text, terms, max) {
    text = String(text || '');
    var found = marks(text, terms);
    var start = 0;
    var end = text.length;
    if (text.length > max) {
      var best = 0;
      var bestCount = -1;
      for (var i = 0; i < found.length; i++) {
        var count = 0;
        for (var j = i; j < found.length && found[j][1] - found[i][0] <= max - 40; j++) count++;
        if (count > bestCount) {
          bestCount = count;
          best = found[i][0];
        }
      }
      start = Math.max(0, best - 40);
      if (start > 0) {
        var space = text.indexOf(' ', start);
        start = space >= 0 && space < best ? space + 1 : start;
      }
      end = Math.min(text.length, start + max);
      if (end < text.length) {
        var back = text.lastIndexOf(' ', end);
        if (back > start) end = back;
      }
    }
    var parts = [];
    if (start > 0) parts.push({ text: '… ', mark: false });
    var at = start;
    found.forEach(function (r) {
      if (r[0] < start || r[1] > end) return;
      if (r[0] > at) parts.push({ text: text.slice(at, r[0]), mark: false });
      parts.push({ text: text.slice(r[0], r[1]), mark: true });
      at = r[1];
    });
    if (at < end) parts.push({ text: text.slice(at, end), mark: false });
    if (end < text.length) parts.push({ text: ' …', mark: false });
    return parts;
  }

  // ---------------------------------------------------------------- browser

  function boot(script) {
    if (!script || window.WaymarkSearch) return;
    var root = new URL('../', script.src); // this file is ROOT/js/search.HASH.js
    var state = { engine: null, loading: null, error: null };
    window.WaymarkSearch = { load: load, root: root.href };

    function loadScript(src) {
      return new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = src;
        s.async = false;
        s.onload = resolve;
        s.onerror = function () {
          reject(new Error('could not load ' + src));
        };
        document.head.appendChild(s);
      });
    }

    function yieldToBrowser() {
      return new Promise(function (resolve) {
        setTimeout(resolve, 0);
      });
    }

    function load() {
      if (state.loading) return state.loading;
      state.loading = loadScript(new URL('search-index.js', root).href)
        .then(function () {
          var m = window.WaymarkSearchIndex;
          if (m.css && !document.querySelector('link[data-search-css]')) {
            var link = document.createElement('link');
            link.rel = 'stylesheet';
            link.href = new URL(m.css, root).href;
            link.setAttribute('data-search-css', '');
            document.head.appendChild(link);
          }
          var files = m.lib.concat(m.shards).map(function (p) {
            return loadScript(new URL(p, root).href);
          });
          return Promise.all(files).then(function () {
            return m;
          });
        })
        .then(function (m) {
          var engine = new Engine({ MiniSearch: window.MiniSearch, stemmer: window.WaymarkStemmer }, m);
          var shards = (window.WaymarkSearchShards || []).slice().sort(function (a, b) {
            return a.n - b.n;
          });
          // One shard at a time, letting the page breathe in between.
          return shards.reduce(function (p, shard) {
            return p.then(function () {
              engine.add(shard);
              return yieldToBrowser();
            });
          }, Promise.resolve()).then(function () {
            state.engine = engine;
            return engine;
          });
        })
        .catch(function (e) {
          state.error = e;
          throw e;
        });
      return state.loading;
    }

    function url(rel) {
      return new URL(rel, root).href;
    }

    function pageUrl(q) {
      var m = window.WaymarkSearchIndex;
      var page = m && m.portable ? 'search/index.html' : 'search/';
      return url(page) + '?q=' + encodeURIComponent(q);
    }

    function el(tag, cls, text) {
      var e = document.createElement(tag);
      if (cls) e.className = cls;
      if (text != null) e.textContent = text;
      return e;
    }

    function parts(target, list) {
      list.forEach(function (p) {
        target.appendChild(p.mark ? el('mark', null, p.text) : document.createTextNode(p.text));
      });
      return target;
    }

    function resultItem(r, engine) {
      var li = el('li', 'search-result');
      var a = el('a', 'search-result__link');
      a.href = url(engine.href(r.doc.p));
      parts(a.appendChild(el('span', 'search-result__title')), r.title);
      var meta = r.doc.k === 0 ? r.doc.s : KIND[r.doc.k];
      if (meta) a.appendChild(el('span', 'search-result__meta', meta));
      if (r.snippet.length) parts(a.appendChild(el('span', 'search-result__snippet')), r.snippet);
      li.appendChild(a);
      return li;
    }

    function countText(n, q) {
      if (!n) return 'No results for “' + q + '”. Check the spelling, or try fewer or other words.';
      return n + (n === 1 ? ' result' : ' results') + ' for “' + q + '”.';
    }

    function isEditable(t) {
      return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    }

    // The results page: ?q=... shown without typing, updated while typing.
    function setUpPage(page) {
      var input = page.querySelector('input[name="q"]');
      var list = page.querySelector('[data-search-results]');
      var status = page.querySelector('[data-search-status]');
      if (!input || !list || !status) return null;
      var params = new URLSearchParams(window.location.search);
      var q = params.get('q') || '';
      input.value = q;
      function run() {
        var text = input.value.trim();
        if (!text) {
          list.textContent = '';
          status.textContent = 'Type a word or two to search.';
          return;
        }
        if (!state.engine) status.textContent = 'Loading the search index…';
        load().then(function (engine) {
          if (input.value.trim() !== text) return;
          var found = engine.search(text, PAGE_RESULTS);
          list.textContent = '';
          found.results.forEach(function (r) {
            list.appendChild(resultItem(r, engine));
          });
          status.textContent =
            countText(found.total, text) +
            (found.total > PAGE_RESULTS ? ' Showing the first ' + PAGE_RESULTS + '.' : '');
        }, function () {
          status.textContent = 'The search index could not be loaded.';
        });
      }
      var timer = 0;
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          try {
            var q = input.value.trim();
            history.replaceState(null, '', q ? '?q=' + encodeURIComponent(q) : window.location.pathname);
          } catch (e) {
            /* some browsers refuse on file:// */
          }
          run();
        }, 80);
      });
      page.querySelector('form') &&
        page.querySelector('form').addEventListener('submit', function (e) {
          e.preventDefault();
          run();
        });
      list.addEventListener('keydown', function (e) {
        moveWithArrows(e, list, input);
      });
      input.addEventListener('keydown', function (e) {
        if (e.key === 'ArrowDown') {
          var first = list.querySelector('a');
          if (first) {
            e.preventDefault();
            first.focus();
          }
        }
      });
      if (q) run();
      return input;
    }

    function moveWithArrows(e, list, input) {
      var links = Array.prototype.slice.call(list.querySelectorAll('a'));
      var i = links.indexOf(document.activeElement);
      if (i < 0) return;
      if (e.key === 'ArrowDown' && i + 1 < links.length) {
        e.preventDefault();
        links[i + 1].focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        (i > 0 ? links[i - 1] : input).focus();
      } else if (e.key === 'Home') {
        e.preventDefault();
        links[0].focus();
      } else if (e.key === 'End') {
        e.preventDefault();
        links[links.length - 1].focus();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        input.focus();
      } else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey && e.key !== ' ') {
        input.focus(); // the key then types into the box
      }
    }

    // A search box anywhere (the site header): results as you type, below it.
    var panels = 0;
    function setUpBox(form) {
      var input = form.querySelector('input[name="q"]');
      if (!input) return null;
      var id = 'search-panel-' + ++panels;
      var panel = el('div', 'search-panel');
      panel.id = id;
      panel.hidden = true;
      var status = el('p', 'search-panel__status');
      status.setAttribute('role', 'status');
      status.setAttribute('aria-live', 'polite');
      var list = el('ul', 'search-panel__results');
      list.setAttribute('aria-label', 'Search results');
      var more = el('p', 'search-panel__more');
      panel.appendChild(status);
      panel.appendChild(list);
      panel.appendChild(more);
      form.classList.add('search-box');
      form.appendChild(panel);
      input.setAttribute('aria-controls', id);
      input.setAttribute('aria-describedby', id + '-hint');
      var hint = el('span', 'search-panel__hint', 'Results appear as you type; use the down arrow to reach them.');
      hint.id = id + '-hint';
      hint.hidden = true;
      form.appendChild(hint);

      function close() {
        panel.hidden = true;
      }
      function run() {
        var text = input.value.trim();
        if (!text) {
          list.textContent = '';
          more.textContent = '';
          status.textContent = '';
          close();
          return;
        }
        panel.hidden = false;
        if (!state.engine) status.textContent = 'Loading…';
        load().then(function (engine) {
          if (input.value.trim() !== text) return;
          var found = engine.search(text, PANEL_RESULTS);
          list.textContent = '';
          found.results.forEach(function (r) {
            list.appendChild(resultItem(r, engine));
          });
          status.textContent = countText(found.total, text);
          more.textContent = '';
          if (found.total > 0) {
            var a = el('a', null, found.total > PANEL_RESULTS ? 'See all ' + found.total + ' results' : 'Open the results page');
            a.href = pageUrl(text);
            more.appendChild(a);
          }
          panel.hidden = document.activeElement !== input && !panel.contains(document.activeElement);
        }, function () {
          status.textContent = 'The search index could not be loaded.';
        });
      }
      var timer = 0;
      input.addEventListener('input', function () {
        clearTimeout(timer);
        timer = setTimeout(run, 60);
      });
      input.addEventListener('focus', function () {
        load().catch(function () {});
        if (input.value.trim() && list.firstChild) panel.hidden = false;
      });
      input.addEventListener('keydown', function (e) {
        if (e.key === 'ArrowDown' && !panel.hidden) {
          var first = list.querySelector('a');
          if (first) {
            e.preventDefault();
            first.focus();
          }
        } else if (e.key === 'Escape') {
          if (!panel.hidden) {
            e.preventDefault();
            close();
          }
        }
      });
      panel.addEventListener('keydown', function (e) {
        if (e.key === 'Escape') {
          e.preventDefault();
          close();
          input.focus();
          return;
        }
        moveWithArrows(e, panel, input);
      });
      form.addEventListener('focusout', function (e) {
        if (!e.relatedTarget || !form.contains(e.relatedTarget)) close();
      });
      form.addEventListener('submit', function (e) {
        if (!input.value.trim()) e.preventDefault();
      });
      return input;
    }

    function start() {
      var page = document.querySelector('[data-search-page]');
      var pageInput = page ? setUpPage(page) : null;
      var boxInput = null;
      Array.prototype.forEach.call(document.querySelectorAll('form[role="search"]'), function (form) {
        if (page && page.contains(form)) return;
        var input = setUpBox(form);
        boxInput = boxInput || input;
      });
      var target = pageInput || boxInput;
      if (!target) return;
      document.addEventListener('keydown', function (e) {
        if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || isEditable(e.target)) return;
        e.preventDefault();
        target.focus();
        target.select();
      });
    }

    if (document.readyState === 'loading') {
      document.addEventListener('DOMContentLoaded', start);
    } else {
      start();
    }
  }

  return { Engine: Engine, boot: boot, tokenize: tokenize, highlight: highlight };
});
