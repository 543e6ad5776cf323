/*! Waymark site search.
 *
 * - Every `form[role=search]` with an input named `q` shows results as you
 *   type; the arrow keys move through them, Escape closes them, Enter on the
 *   box opens the full results page. `/` focuses the box.
 * - The page at /search/ (an element with `data-search-page`) shows the
 *   results for `?q=...` without typing, and updates as you type.
 * - Nothing loads until first use. Then the index manifest and the Porter
 *   stemmer; and for each query only the parts of the index it needs (see
 *   src/search/index.rs for the format): the vocabulary shards of its words,
 *   the postings shards of the terms they match, the metadata of the
 *   results shown and their text for the excerpts. Every file is a script
 *   added as a <script> element, which works from any static host and from
 *   a copy opened from disk (file://). No request leaves the site.
 *
 * Relevance: each term's impact in each document (BM25 per field, the
 * title weighing most, then headings, description and tags, then body
 * text) is computed at build time; a query adds, for each of its words, the
 * best of the terms that word matches times the term's rarity (idf). A word
 * matches itself, the terms it starts (as typed: `strat` finds
 * "strategy"), the terms with the same Porter stem ("plans" finds
 * "planning") and, from four letters, terms about one edit in five letters
 * away that start with the same letter ("klarma" finds "klarna"). All words
 * must match; if no document has them all, any may.
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

  // Words and terms, by the same rules as src/search/text.rs (the index is
  // made by the one and searched by the other): a word is a run of letters
  // and digits of the text as written; it is lowered on its own (a final
  // sigma as at its end: ΟΔΥΣΣΕΥΣ -> οδυσσευς); any character of the lowered
  // word that is not a letter or digit is dropped (İ lowers to i and a
  // combining dot: İstanbul -> istanbul); and what is left is a term unless
  // it is a single letter (a single digit is one).
  var TOKEN = /[\p{Alphabetic}\p{N}]+/gu;
  var NOT_WORD = /[^\p{Alphabetic}\p{N}]/gu;
  var NUMERIC = /^\p{N}/u;
  // Above every term starting with a prefix, as `prefix + TOP`: the last
  // code point (by `compare`; JavaScript's `<` would need only U+FFFF).
  var TOP = '\u{10FFFF}';
  var KIND = ['', 'Section', 'Assessment'];
  var PANEL_RESULTS = 8;
  var PAGE_RESULTS = 50;
  var SNIPPET = 180;
  // Limits per word, so that a query loads a bounded number of bytes
  // (the same as src/search/query_cost.rs).
  var VOCAB_SHARDS = 4;
  var POST_SHARDS = 3;
  var PREFIX_TERMS = 12;
  var FUZZY_TERMS = 8;
  var STEM_TERMS = 12;
  // How much a match of each kind counts, against the word itself.
  var WEIGHT = { exact: 1, stem: 0.9, prefix: 0.8, fuzzy: 0.6 };

  function tokenize(text) {
    return String(text || '').match(TOKEN) || [];
  }

  /** The index term of a word (see above), or null (the "s" of "it's"). */
  function term(word) {
    var w = word.toLowerCase();
    NOT_WORD.lastIndex = 0;
    if (NOT_WORD.test(w)) w = w.replace(NOT_WORD, '');
    var n = w.length;
    if (n === 2 && w.codePointAt(0) > 0xffff) n = 1;
    return n > 1 || (n === 1 && NUMERIC.test(w)) ? w : null;
  }

  /**
   * Terms in the index's order: by code point, as Rust compares strings
   * (src/search/index.rs), not by UTF-16 unit as `<` does, which puts
   * U+10000 and above (two units from U+D800) before U+E000-U+FFFF. Every
   * comparison of terms goes through here.
   */
  function compare(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i);
      var y = b.charCodeAt(i);
      if (x !== y) {
        // At the first difference a surrogate stands for a code point
        // beyond U+FFFF: move the surrogates above U+E000-U+FFFF.
        if (x >= 0xd800 && y >= 0xd800) {
          x = x < 0xe000 ? x + 0x2000 : x - 0x800;
          y = y < 0xe000 ? y + 0x2000 : y - 0x800;
        }
        return x < y ? -1 : 1;
      }
    }
    return a.length < b.length ? -1 : 1;
  }

  function chars(s) {
    return Array.from(s);
  }

  /** Levenshtein distance of `a` and `b` if at most `max`, else max + 1. */
  function distance(a, b, max) {
    a = chars(a);
    b = chars(b);
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev = [];
    for (var j = 0; j <= b.length; j++) prev[j] = j;
    for (var i = 1; i <= a.length; i++) {
      var cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        if (cur[j] < best) best = cur[j];
      }
      if (best > max) return max + 1;
      prev = cur;
    }
    return prev[b.length];
  }

  /** Indexes of the shards (`[first term, hash]`, in order) holding terms in lo..hi. */
  function covering(list, lo, hi) {
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var afterHi = i > 0 && compare(list[i][0], hi) > 0;
      var beforeLo = i + 1 < list.length && compare(list[i + 1][0], lo) <= 0;
      if (!afterHi && !beforeLo) out.push(i);
    }
    return out.length ? out : [0];
  }

  /** Numbers of a postings string (see src/search/encode.rs). */
  var DIGIT = {};
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_'.split('').forEach(function (c, i) {
    DIGIT[c] = i;
  });
  function numbers(s) {
    var out = [];
    var v = 0;
    for (var i = 0; i < s.length; i++) {
      var d = DIGIT[s.charAt(i)];
      if (d < 32) {
        out.push(v * 32 + d);
        v = 0;
      } else {
        v = v * 32 + (d - 32);
      }
    }
    return out;
  }

  /**
   * The engine: a query in, ranked results out. `load(key)` returns a
   * promise of a data file's value (`WaymarkSearchData[key]`), `stem` is the
   * Porter stemmer (or null).
   */
  function Engine(manifest, load, stem) {
    this.manifest = manifest;
    this.load = load;
    this.stem = stem;
    this.shards = {}; // postings shard key -> Map(term -> postings string)
  }

  Engine.prototype.vocab = function (w) {
    var m = this.manifest;
    var first = chars(w)[0];
    var long = chars(w).length > 3;
    var own = covering(m.vocab, w, w + TOP);
    var near = long ? covering(m.vocab, first, first + TOP) : [];
    // The word's own range first, then the shards nearest to it.
    var at = own[0];
    near.sort(function (a, b) {
      return Math.abs(a - at) - Math.abs(b - at) || a - b;
    });
    var pick = [];
    own.concat(near).forEach(function (i) {
      if (pick.indexOf(i) < 0 && pick.length < VOCAB_SHARDS) pick.push(i);
    });
    var self = this;
    return Promise.all(
      pick.map(function (i) {
        return self.load('v.' + m.vocab[i][1]);
      })
    ).then(function (lists) {
      var terms = [];
      lists.forEach(function (l) {
        if (l) terms = terms.concat(l.split(' '));
      });
      return terms;
    });
  };

  /** The terms word `w` matches among `terms` (its vocabulary), with weights. */
  Engine.prototype.candidates = function (w, terms) {
    var out = new Map();
    function add(t, weight) {
      if (!out.has(t) || out.get(t) < weight) out.set(t, weight);
    }
    var len = chars(w).length;
    var prefixed = [];
    var fuzzy = [];
    var stems = [];
    var s = this.stem && len > 2 ? this.stem(w) : null;
    var base = '';
    if (s) {
      for (var k = 0; k < s.length && s.charAt(k) === w.charAt(k); k++);
      base = s.slice(0, k);
      if (chars(base).length < 3) s = null;
    }
    var max = len > 3 ? Math.max(1, Math.round(len * 0.2)) : 0;
    var first = chars(w)[0];
    var self = this;
    terms.forEach(function (t) {
      if (t === w) return add(t, WEIGHT.exact);
      if (t.lastIndexOf(w, 0) === 0) prefixed.push(t);
      if (s && t.lastIndexOf(base, 0) === 0 && self.stem(t) === s) stems.push(t);
      if (max && chars(t)[0] === first) {
        var d = distance(w, t, max);
        if (d <= max) fuzzy.push([d, t]);
      }
    });
    prefixed.sort(function (a, b) {
      return a.length - b.length || compare(a, b);
    });
    prefixed.slice(0, PREFIX_TERMS).forEach(function (t) {
      add(t, WEIGHT.prefix * (len / chars(t).length));
    });
    stems.slice(0, STEM_TERMS).forEach(function (t) {
      add(t, WEIGHT.stem);
    });
    fuzzy.sort(function (a, b) {
      return a[0] - b[0] || compare(a[1], b[1]);
    });
    fuzzy.slice(0, FUZZY_TERMS).forEach(function (e) {
      add(e[1], WEIGHT.fuzzy * (1 - e[0] / len));
    });
    return out;
  };

  /** Scores of the documents word `w` matches: Map(doc -> score), and the matched terms. */
  Engine.prototype.word = function (w) {
    var self = this;
    var m = this.manifest;
    return this.vocab(w).then(function (terms) {
      var cands = Array.from(self.candidates(w, terms)).sort(function (a, b) {
        return b[1] - a[1] || compare(a[0], b[0]);
      });
      var shards = [];
      var keep = [];
      cands.forEach(function (c) {
        var i = covering(m.post, c[0], c[0])[0];
        if (shards.indexOf(i) < 0) {
          if (shards.length === POST_SHARDS) return;
          shards.push(i);
        }
        keep.push(c);
      });
      return Promise.all(
        shards.map(function (i) {
          var key = 'p.' + m.post[i][1];
          return self.load(key).then(function (data) {
            if (!self.shards[key]) {
              var map = new Map();
              data.t.forEach(function (t, j) {
                map.set(t, data.p[j]);
              });
              self.shards[key] = map;
            }
            return self.shards[key];
          });
        })
      ).then(function (maps) {
        var scores = new Map();
        var matched = [];
        keep.forEach(function (c) {
          var t = c[0];
          var enc;
          maps.forEach(function (map) {
            if (map.has(t)) enc = map.get(t);
          });
          if (enc === undefined) return;
          var nums = numbers(enc);
          var df = nums.length / 2;
          var idf = Math.log(1 + (m.docs - df + 0.5) / (df + 0.5));
          var docs = new Set();
          var doc = -1;
          for (var i = 0; i < nums.length; i += 2) {
            doc += nums[i] + 1;
            docs.add(doc);
            var sc = (c[1] * idf * nums[i + 1]) / 16;
            if (!(scores.get(doc) >= sc)) scores.set(doc, sc);
          }
          matched.push({ term: t, docs: docs });
        });
        return { scores: scores, matched: matched };
      });
    });
  };

  /**
   * Ranked results, as a promise of {total, results: [{doc, score, terms,
   * title: parts, snippet: parts, href}]}, where parts are [{text, mark}]
   * with `mark` on the words that matched.
   */
  Engine.prototype.search = function (text, limit) {
    var self = this;
    var words = [];
    tokenize(text).forEach(function (w) {
      var t = term(w);
      if (t && words.indexOf(t) < 0) words.push(t);
    });
    if (!words.length) return Promise.resolve({ total: 0, results: [] });
    return Promise.all(words.map(function (w) { return self.word(w); })).then(function (found) {
      var hits = combine(found, true);
      if (!hits.length && found.length > 1) hits = combine(found, false);
      var top = hits.slice(0, limit || PAGE_RESULTS);
      return self.show(top, found).then(function (results) {
        return { total: hits.length, results: results };
      });
    });
  };

  /** [doc, score] sorted best first: documents with every word (all) or any. */
  function combine(found, all) {
    var total = new Map();
    found.forEach(function (f, i) {
      f.scores.forEach(function (s, doc) {
        if (all && i > 0 && !total.has(doc)) return;
        total.set(doc, (total.get(doc) || 0) + s);
      });
      if (all && i > 0) {
        total.forEach(function (_, doc) {
          if (!f.scores.has(doc)) total.delete(doc);
        });
      }
    });
    return Array.from(total).sort(function (a, b) {
      return b[1] - a[1] || a[0] - b[0];
    });
  }

  /** The results for `top` ([doc, score]): metadata, then text for the excerpts. */
  Engine.prototype.show = function (top, found) {
    var self = this;
    var m = this.manifest;
    return Promise.all(
      top.map(function (h) {
        var g = Math.floor(h[0] / m.group);
        return self.load('m.' + m.meta[g]).then(function (group) {
          var r = group[h[0] - g * m.group];
          return self.load('t.' + r[6]).then(function (texts) {
            var t = texts[r[7]];
            return { p: r[0], t: r[1], s: r[2], k: r[3], d: r[4], g: r[5], h: t[0], x: t[1] };
          });
        });
      })
    ).then(function (docs) {
      return docs.map(function (doc, i) {
        var id = top[i][0];
        var terms = new Set();
        found.forEach(function (f) {
          f.matched.forEach(function (mt) {
            if (mt.docs.has(id)) terms.add(mt.term);
          });
        });
        // The snippet comes from the first text with a match: body, headings,
        // description; else the description or the start of the body.
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
          score: top[i][1],
          terms: Array.from(terms),
          title: highlight(doc.t, terms, Infinity),
          snippet: highlight(where, terms, SNIPPET),
          href: self.href(doc.p)
        };
      });
    });
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
      if (terms.has(term(m[0]))) out.push([m.index, m.index + m[0].length]);
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

  /** The file of a data key, relative to the manifest's `dir`. */
  function fileOf(key) {
    return key + '.js';
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
        s.onload = function () {
          s.remove(); // the data stays in its global; the element is not needed
          resolve();
        };
        s.onerror = function () {
          s.remove();
          reject(new Error('could not load ' + src));
        };
        document.head.appendChild(s);
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
          return Promise.all(
            (m.lib || []).map(function (p) {
              return loadScript(new URL(p, root).href);
            })
          ).then(function () {
            return m;
          });
        })
        .then(function (m) {
          var pending = {};
          function data(key) {
            if (!pending[key]) {
              pending[key] = loadScript(new URL(m.dir + fileOf(key), root).href).then(
                function () {
                  var d = window.WaymarkSearchData[key];
                  if (d === undefined) throw new Error('no search data ' + key);
                  return d;
                },
                function (e) {
                  delete pending[key];
                  throw e;
                }
              );
            }
            return pending[key];
          }
          state.engine = new Engine(m, data, window.WaymarkStemmer || null);
          return state.engine;
        })
        .catch(function (e) {
          state.error = e;
          state.loading = null;
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

    // Searches `text` (loading the index on first use) and lists the first
    // `limit` results in `list`, then calls `done(found)`; a result that
    // comes back after `input` changed is dropped.
    function listResults(input, text, limit, list, status, done) {
      load().then(function (engine) {
        return engine.search(text, limit).then(function (found) {
          return [engine, found];
        });
      }).then(function (got) {
        var engine = got[0];
        var found = got[1];
        if (input.value.trim() !== text) return;
        list.textContent = '';
        found.results.forEach(function (r) {
          list.appendChild(resultItem(r, engine));
        });
        done(found);
      }, function () {
        status.textContent = 'The search index could not be loaded.';
      });
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
        listResults(input, text, PAGE_RESULTS, list, status, function (found) {
          status.textContent =
            countText(found.total, text) +
            (found.total > PAGE_RESULTS ? ' Showing the first ' + PAGE_RESULTS + '.' : '');
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
        listResults(input, text, PANEL_RESULTS, list, status, function (found) {
          status.textContent = countText(found.total, text);
          more.textContent = '';
          if (found.total > 0) {
            var a = el('a', null, found.total > PANEL_RESULTS ? 'See all ' + found.total + ' results' : 'Open the results page');
            a.href = pageUrl(text);
            more.appendChild(a);
          }
          panel.hidden = document.activeElement !== input && !panel.contains(document.activeElement);
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
      // On the results page the header box shows the query too.
      var q = pageInput ? new URLSearchParams(window.location.search).get('q') || '' : '';
      Array.prototype.forEach.call(document.querySelectorAll('form[role="search"]'), function (form) {
        if (page && page.contains(form)) return;
        var input = setUpBox(form);
        if (input && q && !input.value) input.value = q;
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

  return {
    Engine: Engine,
    boot: boot,
    tokenize: tokenize,
    term: term,
    compare: compare,
    highlight: highlight,
    fileOf: fileOf,
    numbers: numbers
  };
});
