/* privacy-kb: the search box. It ranks answers exactly as `privacy-kb search` does, from the
 * static files the build writes under search/ (privacy_kb/browser_index.py), with the analysis
 * computed at build time (privacy_kb/search_analysis.py): the query's words are looked up in the
 * published word forms, a form never seen is stemmed (a port of Whoosh's Porter stemmer) or
 * corrected to the nearest known word, an entry scores the sum of its integer impacts for the query's terms, times the boost of
 * a deployment type the query names; entries with the same answer are one result naming all
 * their types; each result shows the sentence of its answer that best matches the query.
 * No server, no third-party request; works under any sub-path (paths from Material's __config).
 */
(function () {
  "use strict";

  var LIMIT = 10;
  var TOKEN = /[\p{L}\p{N}_]+(?:\.?[\p{L}\p{N}_]+)*/gu;
  var config = JSON.parse(document.getElementById("__config").textContent);
  var root = new URL(config.base.replace(/\/?$/, "/"), window.location.href);
  var folder = new URL("search/", root);

  var meta = null;
  var metaPromise = null;
  var shards = new Map();
  var state = { seq: 0, results: [] };

  // -- files ------------------------------------------------------------------------------
  function fetchJson(name) {
    return fetch(new URL(name, folder)).then(function (response) {
      if (!response.ok) throw new Error(name + ": " + response.status);
      return response.arrayBuffer();
    }).then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).text();
      }
      return new TextDecoder().decode(bytes); // the host already decoded it
    }).then(JSON.parse);
  }

  function shard(name) {
    if (!shards.has(name)) shards.set(name, fetchJson(name));
    return shards.get(name);
  }

  function loadMeta() {
    if (!metaPromise) {
      metaPromise = fetchJson("meta.json.gz").then(function (data) {
        data.stop = new Set(data.stop_words);
        data.groupTypes = new Map();
        data.docs.forEach(function (doc) {
          var types = data.groupTypes.get(doc[2]) || new Set();
          doc[1].forEach(function (t) { types.add(t); });
          data.groupTypes.set(doc[2], types);
        });
        data.formList = Object.keys(data.forms);
        meta = data;
        fillFilters(data);
        return data;
      });
    }
    return metaPromise;
  }

  // -- Whoosh's Porter stemmer (whoosh/lang/porter.py), for word forms the build never saw:
  // Python's re.match anchors at the start only, hence the ^ on every pattern.
  var STEP2 = { ational: "ate", tional: "tion", enci: "ence", anci: "ance", izer: "ize",
    bli: "ble", alli: "al", entli: "ent", eli: "e", ousli: "ous", ization: "ize", ation: "ate",
    ator: "ate", alism: "al", iveness: "ive", fulness: "ful", ousness: "ous", aliti: "al",
    iviti: "ive", biliti: "ble", logi: "log" };
  var STEP3 = { icate: "ic", ative: "", alize: "al", iciti: "ic", ical: "ic", ful: "", ness: "" };
  var C = "[^aeiouy]+";
  var V = "[aeiou]+";
  var MGR0 = new RegExp("^(" + C + ")?" + V + C);
  var MEQ1 = new RegExp("^(" + C + ")?" + V + C + "(" + V + ")?$");
  var MGR1 = new RegExp("^(" + C + ")?" + V + C + V + C);
  var S_V = new RegExp("^(" + C + ")?[aeiouy]");
  var C_V = new RegExp("^" + C + "[aeiouy][^aeiouwxy]$");
  var ED_ING = /^(.*)(ed|ing)$/;
  var AT_BL_IZ = /^(at|bl|iz)$/;
  var STEP1B = /^([^aeiouylsz])\1$/;
  var RE2 = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;
  var RE3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;
  var RE4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
  var RE4B = /^(.+?)(s|t)(ion)$/;
  var RE5 = /^(.+?)e$/;

  function porter(w) {
    if (w.length < 3) return w;
    var firstIsY = w[0] === "y";
    if (firstIsY) w = "Y" + w.slice(1);
    var m;
    var stem;
    if (w.endsWith("s")) {
      if (w.endsWith("sses")) w = w.slice(0, -2);
      else if (w.endsWith("ies")) w = w.slice(0, -2);
      else if (w[w.length - 2] !== "s") w = w.slice(0, -1);
    }
    if (w.endsWith("eed")) {
      if (MGR0.test(w.slice(0, -3))) w = w.slice(0, -1);
    } else if ((m = ED_ING.exec(w))) {
      stem = m[1];
      if (S_V.test(stem)) {
        w = stem;
        if (AT_BL_IZ.test(w)) w += "e";
        else if (STEP1B.test(w)) w = w.slice(0, -1);
        else if (C_V.test(w)) w += "e";
      }
    }
    if (w.endsWith("y")) {
      stem = w.slice(0, -1);
      if (S_V.test(stem)) w = stem + "i";
    }
    if ((m = RE2.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP2[m[2]];
    if ((m = RE3.exec(w)) && MGR0.test(m[1])) w = m[1] + STEP3[m[2]];
    if ((m = RE4.exec(w))) {
      if (MGR1.test(m[1])) w = m[1];
    } else if ((m = RE4B.exec(w))) {
      stem = m[1] + m[2];
      if (MGR1.test(stem)) w = stem;
    }
    if ((m = RE5.exec(w))) {
      stem = m[1];
      if (MGR1.test(stem) || (MEQ1.test(stem) && !C_V.test(stem))) w = stem;
    }
    if (w.endsWith("ll") && MGR1.test(w)) w = w.slice(0, -1);
    if (firstIsY) w = "y" + w.slice(1);
    return w;
  }

  // -- analysis (privacy_kb.search_analysis) ----------------------------------------------
  function clean(query) {
    var max = meta.constants.max_query_chars;
    var text = query;
    if (text.length > max) {
      var cut = text.lastIndexOf(" ", max - 1);
      text = text.slice(0, cut > Math.floor(max / 2) ? cut : max);
    }
    return text.replace(/[?？¿]/g, " ").replace(/[“”„«»]/g, '"').trim();
  }

  function words(text) {
    var out = [];
    var match;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text)) !== null) {
      var word = match[0].toLowerCase();
      if (word.length >= meta.constants.min_word_length && !meta.stop.has(word)) {
        out.push({ word: word, start: match.index, end: match.index + match[0].length });
      }
    }
    return out;
  }

  function termOf(word) {
    var form = meta.forms[word];
    if (!form) return null;
    return form.length > 1 ? form[1] : word;
  }

  function levenshtein(a, b, limit) {
    var previous = [];
    var current = [];
    for (var j = 0; j <= b.length; j++) previous[j] = j;
    for (var i = 1; i <= a.length; i++) {
      current = [i];
      var best = i;
      for (var k = 1; k <= b.length; k++) {
        current[k] = Math.min(previous[k] + 1, current[k - 1] + 1,
                              previous[k - 1] + (a[i - 1] === b[k - 1] ? 0 : 1));
        if (current[k] < best) best = current[k];
      }
      if (best > limit) return limit + 1;
      previous = current;
    }
    return previous[b.length];
  }

  function correction(word) {
    var c = meta.constants;
    var maxdist = word.length < c.fuzzy_two_edits_length ? 1 : 2;
    var prefix = word.slice(0, c.fuzzy_prefix);
    var best = null;
    var bestDf = -1;
    meta.formList.forEach(function (form) {
      if (form.slice(0, c.fuzzy_prefix) !== prefix) return;
      if (Math.abs(form.length - word.length) > maxdist) return;
      if (levenshtein(form, word, maxdist) > maxdist) return;
      var df = meta.forms[form][0];
      if (df > bestDf || (df === bestDf && form < best)) { best = form; bestDf = df; }
    });
    return best;
  }

  function indexed(term) {
    return shard("terms-" + termShard(term) + ".json.gz").then(function (data) {
      return Object.prototype.hasOwnProperty.call(data, term);
    });
  }

  /* The query's terms, as `privacy-kb search` finds them: a known word form is looked up; an
   * unknown one is stemmed, and when its stem is in no entry either, a long enough word is
   * corrected to the most common known form one edit away (two for long words). */
  function analyse(query) {
    var text = clean(query);
    var tokens = words(text);
    var corrections = tokens.map(function () { return null; });
    return Promise.all(tokens.map(function (token, n) {
      var word = token.word;
      var term = termOf(word);
      if (term !== null) return term;
      var stem = porter(word);
      if (word.length < meta.constants.fuzzy_min_length) return stem;
      return indexed(stem).then(function (known) {
        if (known) return stem;
        var fixed = correction(word);
        if (fixed === null) return stem;
        corrections[n] = text.slice(token.start, token.end) + " → " + fixed;
        return termOf(fixed);
      });
    })).then(function (terms) {
      return { terms: terms, corrections: corrections.filter(function (c) { return c; }) };
    });
  }

  function namedTypes(terms) {
    var byTerms = new Map();
    meta.wordings.forEach(function (w) {
      var key = w.terms.join(" ");
      if (!byTerms.has(key)) byTerms.set(key, { terms: w.terms, types: [] });
      byTerms.get(key).types.push(w.type);
    });
    var keys = Array.from(byTerms.values()).sort(function (a, b) {
      if (a.terms.length !== b.terms.length) return b.terms.length - a.terms.length;
      return compareArrays(a.terms, b.terms);
    });
    var used = terms.map(function () { return false; });
    var found = new Set();
    keys.forEach(function (wording) {
      var n = wording.terms.length;
      for (var start = 0; start + n <= terms.length; start++) {
        var same = true;
        for (var i = 0; i < n; i++) {
          if (terms[start + i] !== wording.terms[i] || used[start + i]) { same = false; break; }
        }
        if (same) {
          for (var u = 0; u < n; u++) used[start + u] = true;
          wording.types.forEach(function (t) { found.add(t); });
        }
      }
    });
    return meta.types.map(function (t, n) { return found.has(t.id) ? n : -1; })
      .filter(function (n) { return n >= 0; });
  }

  function compareArrays(a, b) {
    for (var i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    }
    return a.length - b.length;
  }

  function termShard(term) {
    var hash = 0x811c9dc5;
    for (var char of term) {
      hash = Math.imul(hash ^ char.codePointAt(0), 0x01000193) >>> 0;
    }
    return hash % meta.term_shards;
  }

  // -- ranking (privacy_kb.search.KnowledgeIndex) -----------------------------------------
  function rank(terms, named, filters) {
    var unique = Array.from(new Set(terms));
    return Promise.all(unique.map(function (term) {
      return shard("terms-" + termShard(term) + ".json.gz").then(function (data) {
        return [term, data[term] || null];
      });
    })).then(function (lists) {
      var sums = new Map();
      var df = new Map();
      lists.forEach(function (pair) {
        var postings = pair[1];
        df.set(pair[0], postings ? postings[0] : 0);
        if (!postings) return;
        var doc = 0;
        for (var i = 1; i < postings.length; i += 2) {
          doc += postings[i];
          sums.set(doc, (sums.get(doc) || 0) + postings[i + 1]);
        }
      });
      var namedSet = new Set(named);
      var covered = new Set();
      meta.sources.forEach(function (source, n) {
        if (source.types.some(function (t) { return namedSet.has(t); })) covered.add(n);
      });
      var c = meta.constants;
      var scored = [];
      sums.forEach(function (total, doc) {
        var info = meta.docs[doc];
        if (filters.type !== null && info[1].indexOf(filters.type) < 0) return;
        if (filters.source !== null && info[0] !== filters.source) return;
        var score = total / c.impact_scale;
        if (info[1].some(function (t) { return namedSet.has(t); })) score *= c.named_type_factor;
        else if (covered.has(info[0])) score *= c.named_article_factor;
        scored.push([score, doc]);
      });
      scored.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
      return { ranked: scored, df: df };
    });
  }

  function fold(ranked, limit) {
    var chosen = [];
    var folded = new Map();
    for (var i = 0; i < ranked.length; i++) {
      var doc = ranked[i][1];
      var group = meta.docs[doc][2];
      if (folded.has(group)) { folded.get(group).push(doc); continue; }
      if (chosen.length === limit) break;
      folded.set(group, []);
      chosen.push({ score: ranked[i][0], doc: doc, group: group });
    }
    chosen.forEach(function (hit) { hit.same = folded.get(hit.group); });
    return chosen;
  }

  function passageWeight(df) {
    var n = meta.entries;
    return Math.floor((Math.log(n / (df + 1)) + 1) * meta.constants.impact_scale + 0.5);
  }

  function sentenceTerms(sentence) {
    var terms = new Set();
    words(sentence).forEach(function (token) {
      var term = termOf(token.word);
      if (term !== null) terms.add(term);
    });
    return terms;
  }

  function weigh(terms, weights, without) {
    var score = 0;
    terms.forEach(function (term) {
      if (!without || !without.has(term)) score += weights.get(term) || 0;
    });
    return score;
  }

  /* The sentence whose query terms weigh most, with the neighbour (the next one on a tie)
   * that adds the most query terms it lacks (search_analysis.best_passage). */
  function bestPassage(sentences, weights) {
    var terms = sentences.map(sentenceTerms);
    var best = 0;
    var bestScore = 0;
    terms.forEach(function (set, n) {
      var score = weigh(set, weights);
      if (score > bestScore) { best = n; bestScore = score; }
    });
    var grown = best;
    var gain = 0;
    [best + 1, best - 1].forEach(function (n) {
      if (n < 0 || n >= terms.length) return;
      var adds = weigh(terms[n], weights, terms[best]);
      if (adds > gain) { grown = n; gain = adds; }
    });
    return sentences.slice(Math.min(best, grown), Math.max(best, grown) + 1).join(" ");
  }

  /** The answers to `query`: a promise of {results, corrections, named}. Exposed for tests. */
  function search(query, filters) {
    filters = filters || { type: null, source: null };
    return loadMeta().then(function () {
      return analyse(query);
    }).then(function (analysed) {
      var known = analysed.terms;
      if (!analysed.terms.length) return { results: [], corrections: [], empty: true };
      var named = namedTypes(analysed.terms);
      return rank(analysed.terms, named, filters).then(function (ranking) {
        var hits = fold(ranking.ranked, LIMIT);
        var weights = new Map();
        known.forEach(function (t) { weights.set(t, passageWeight(ranking.df.get(t) || 0)); });
        var perShard = meta.docs_per_shard;
        return Promise.all(hits.map(function (hit) {
          return shard("docs-" + Math.floor(hit.doc / perShard) + ".json.gz").then(function (docs) {
            var doc = docs[hit.doc % perShard];
            var types = Array.from(meta.groupTypes.get(hit.group)).sort(function (a, b) { return a - b; });
            return {
              id: doc.id, question: doc.question, url: new URL(doc.url, root).toString(),
              passage: bestPassage(doc.sentences, weights),
              score: Math.round(hit.score * 10000) / 10000,
              types: types.map(function (t) { return meta.types[t]; }),
              source: meta.sources[meta.docs[hit.doc][0]],
              same: hit.same.length
            };
          });
        })).then(function (results) {
          return { results: results, corrections: analysed.corrections, terms: known, named: named };
        });
      });
    });
  }

  // -- the dialog -------------------------------------------------------------------------
  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function highlighted(text, terms) {
    var wanted = new Set(terms);
    var nodes = [];
    var position = 0;
    words(text).forEach(function (token) {
      if (!wanted.has(termOf(token.word))) return;
      if (token.start > position) nodes.push(text.slice(position, token.start));
      nodes.push(el("mark", {}, [text.slice(token.start, token.end)]));
      position = token.end;
    });
    if (position < text.length) nodes.push(text.slice(position));
    return nodes;
  }

  function parts() {
    var box = document.querySelector("[data-kb-search]");
    if (!box) return null;
    return {
      box: box,
      toggle: document.getElementById("__search"),
      input: box.querySelector(".md-search__input"),
      list: box.querySelector(".kb-search__results"),
      status: box.querySelector(".kb-search__status"),
      type: box.querySelector("select[name=kb-type]"),
      source: box.querySelector("select[name=kb-source]")
    };
  }

  function fillFilters(data) {
    var p = parts();
    if (!p || p.type.options.length > 1) return;
    var shown = new Set();
    data.docs.forEach(function (doc) { doc[1].forEach(function (t) { shown.add(t); }); });
    data.types.forEach(function (t, n) {
      if (shown.has(n)) p.type.appendChild(el("option", { value: String(n) }, [t.name]));
    });
    data.sources.forEach(function (s, n) {
      p.source.appendChild(el("option", { value: String(n) }, [s.title]));
    });
  }

  function render(p, query, outcome) {
    p.list.textContent = "";
    if (outcome.empty) {
      p.status.textContent = "Type a question, such as: is my data used for training?";
      return;
    }
    var lines = [];
    if (outcome.corrections.length) lines.push("Searched with corrected spelling: " + outcome.corrections.join(", ") + ".");
    lines.push(outcome.results.length
      ? outcome.results.length + (outcome.results.length === 1 ? " answer" : " answers")
      : "No answer matches these words.");
    p.status.textContent = lines.join(" ");
    outcome.results.forEach(function (result) {
      var meta = [result.types.length ? result.types.map(function (t) { return t.name; }).join("; ")
                                      : "All deployment types",
                  result.source.title, result.source.date].join(" · ");
      var link = el("a", {
        href: result.url, class: "md-search-result__link kb-result", "data-kb-id": result.id,
        "data-kb-path": result.source.path, "data-kb-score": String(result.score),
        "data-kb-types": result.types.map(function (t) { return t.id; }).join(" ")
      }, [
        el("article", { class: "md-search-result__article" }, [
          el("p", { class: "kb-result__passage" }, highlighted(result.passage, outcome.terms)),
          el("p", { class: "kb-result__question" }, highlighted(result.question, outcome.terms)),
          el("p", { class: "kb-result__meta" }, [meta])
        ])
      ]);
      p.list.appendChild(el("li", { class: "md-search-result__item" }, [link]));
    });
  }

  function filtersOf(p) {
    return {
      type: p.type.value === "" ? null : Number(p.type.value),
      source: p.source.value === "" ? null : Number(p.source.value)
    };
  }

  function run() {
    var p = parts();
    if (!p) return;
    var query = p.input.value;
    var seq = ++state.seq;
    var started = performance.now();
    p.box.setAttribute("aria-busy", "true");
    if (!query.trim()) {
      p.list.textContent = "";
      p.status.textContent = "Type a question, such as: is my data used for training?";
      p.box.removeAttribute("aria-busy");
      return;
    }
    search(query, filtersOf(p)).then(function (outcome) {
      if (seq !== state.seq) return; // a newer keystroke won
      render(p, query, outcome);
      p.box.removeAttribute("aria-busy");
      // From the keystroke to the results on screen (read by privacy_kb.search_bench).
      p.box.setAttribute("data-kb-ms", String(Math.round(performance.now() - started)));
      p.box.setAttribute("data-kb-query", query);
    }).catch(function (error) {
      p.status.textContent = "Search is unavailable: " + error.message;
      p.box.removeAttribute("aria-busy");
    });
  }

  function open(p) {
    if (!p.toggle.checked) {
      p.toggle.checked = true;
      p.toggle.dispatchEvent(new Event("change"));
    }
    // Material's instant navigation may bring a new header: fill its filters too.
    loadMeta().then(fillFilters).catch(function () {});
  }

  function close(p) {
    if (p.toggle.checked) {
      p.toggle.checked = false;
      p.toggle.dispatchEvent(new Event("change"));
    }
  }

  function links(p) {
    return Array.prototype.slice.call(p.list.querySelectorAll("a.kb-result"));
  }

  document.addEventListener("input", function (event) {
    var p = parts();
    if (p && event.target === p.input) { open(p); run(); }
  });
  document.addEventListener("change", function (event) {
    var p = parts();
    if (p && (event.target === p.type || event.target === p.source)) run();
    // The header's search button (a label of Material's toggle) opens the box: type at once.
    if (p && event.target === p.toggle && p.toggle.checked && document.activeElement !== p.input) {
      p.input.focus();
    }
  });
  document.addEventListener("focusin", function (event) {
    var p = parts();
    if (p && event.target === p.input) open(p);
  });
  document.addEventListener("reset", function (event) {
    var p = parts();
    if (p && event.target === p.input.form) {
      setTimeout(function () { run(); p.input.focus(); }, 0);
    }
  });
  document.addEventListener("submit", function (event) {
    var p = parts();
    if (!p || event.target !== p.input.form) return;
    event.preventDefault();
    var first = links(p)[0];
    if (first) window.location.href = first.href;
  });

  document.addEventListener("keydown", function (event) {
    var p = parts();
    if (!p) return;
    var target = event.target;
    var inBox = p.box.contains(target);
    if (!inBox) {
      var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
      if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey &&
          (event.key === "/" || event.key === "s" || event.key === "f")) {
        event.preventDefault();
        open(p);
        p.input.focus();
        p.input.select();
      }
      return;
    }
    var all = links(p);
    var at = all.indexOf(target);
    if (event.key === "Escape") {
      event.preventDefault();
      if (at >= 0) { p.input.focus(); return; }
      close(p);
      p.input.blur();
    } else if (event.key === "ArrowDown" && (target === p.input || at >= 0)) {
      event.preventDefault();
      if (all.length) all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) p.input.focus(); else all[at - 1].focus();
    } else if (event.key === "Enter" && target === p.input) {
      event.preventDefault();
      var run_ = function () { var first = links(p)[0]; if (first) first.click(); };
      if (p.box.hasAttribute("aria-busy")) setTimeout(run_, 50); else run_();
    }
  });

  window.privacyKbSearch = search;
  window.privacyKbPorter = porter; // for the tests: the same stems as Whoosh's
})();
