/* advpub: the site's search worker, in front of Material's (lunr) search worker.

   - An identifier (an advisory id, a CVE id, a GHSA or JVN alias: letters, then "-" or
     "#", with digits): the advisories with that identifier and nothing else; while it is
     being typed, those whose identifier starts with it; else those whose title or summary
     mention it. Lunr would split it at "-" into three words and list every advisory. An
     advisory with translations is answered once, in the version the listings show.
   - Text with Japanese (Han, kana, full-width) characters: every whitespace-separated part
     must occur in the title, summary, products or identifiers, compared after NFKC, lower
     case and with the spaces next to Japanese characters removed (so a product name
     typed with or without a space finds the name written either way). Lunr has no index
     of Japanese words here: advpub.site.search keeps Japanese out of its tokens.
   - Everything else goes to Material's worker; its results get the advisories'
     identifiers back whole (its highlighter shows them split at "-").

   Speed: building lunr's index from the whole index file is most of the time from page
   load to the first result (at 5,000 advisories about 0.7 s of 1.3 s, measured in
   headless Chromium). So Material's worker runs as a worker of its own (in parallel), this
   one says "ready" as soon as it has read the index, and a word query that comes before
   lunr is ready is answered here first: the advisories with a word starting with each
   query word, as lunr's wildcard query would find them, marked "provisional". Lunr's own
   answer replaces it as soon as lunr is ready. A browser without workers inside workers
   runs Material's worker in this one, as before (no provisional answers then).

   This file is part of every built site and passes the leak guard like any other: it
   names no advisory, product or identifier. */
"use strict";
(() => {
  const SETUP = 0;
  const READY = 1;
  const QUERY = 2;
  const RESULT = 3;
  const WIDE = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf" +
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef";
  const HAS_WIDE = new RegExp(`[${WIDE}]`);
  const SPACE_BY_WIDE = new RegExp(`\\s+(?=[${WIDE}])|(?<=[${WIDE}])\\s+`, "g");
  const IDENTIFIER = /^[a-z][a-z0-9]*[-#][^\s]*\d[^\s]*$/i;
  const ENTITY = /(&[#a-z0-9]+;)/i;
  // Lunr's query syntax (required/prohibited terms, phrases, fields, fuzziness, boosts,
  // wildcards): such queries are lunr's alone, never answered provisionally.
  const LUNR_SYNTAX = /["*~^:]|(?:^|\s)[+-]/;
  // Lunr's trimmer: a token loses the non-word characters at its ends.
  const TRIM = /^\W+|\W+$/g;

  const material = new URL(new URL(self.location.href).searchParams.get("material") || "",
    self.location.href);
  if (material.origin !== self.location.origin)
    throw new Error("advpub search: the search worker must come from this site");

  const post = self.postMessage.bind(self);
  const listen = self.addEventListener.bind(self);
  let docs = [];
  let byLocation = new Map();
  let separator = /[\s-]+/;
  let lunrReady = false;
  // The newest query from the page: a result for any older one is never shown over it.
  let latest = null;
  // Queries sent to lunr and not yet answered, oldest first (it answers in order).
  const pending = [];

  function plain(html) {
    return String(html || "")
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
      .replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&");
  }

  function squash(text) {
    return text.normalize("NFKC").toLowerCase().replace(SPACE_BY_WIDE, "");
  }

  /* " word word ...": lunr's tokens of a text (its separator, lower case, trimmed), so
     that `includes(" " + prefix)` is lunr's trailing-wildcard match. */
  function tokens(text) {
    return " " + text.toLowerCase().split(separator)
      .map(token => token.replace(TRIM, "")).filter(Boolean).join(" ");
  }

  function remember(index) {
    try {
      separator = new RegExp((index.config && index.config.separator) || "[\\s\\-]+");
    } catch (err) {
      separator = /[\s-]+/;
    }
    docs = (index.docs || []).filter(doc => !String(doc.location).includes("#")).map(doc => {
      const tags = (doc.tags || []).map(plain);
      const title = plain(doc.title);
      const text = plain(doc.text);
      const keywords = plain(doc.keywords);
      return {
        doc,
        tags: tags.map(tag => tag.normalize("NFKC").toLowerCase()),
        title: squash(title),
        text: squash(text),
        extra: squash(`${keywords} ${tags.join(" ")}`),
        // Lunr's words of the entry (for byWords), made by learnWords.
        titleWords: "",
        otherWords: "",
        plainTitle: title,
        plainOther: `${text} ${keywords} ${tags.join(" ")}`
      };
    });
    byLocation = new Map(docs.map(entry => [entry.doc.location, entry]));
  }

  function learnWords() {
    for (const entry of docs) {
      entry.titleWords = tokens(entry.plainTitle);
      entry.otherWords = tokens(entry.plainOther);
    }
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  /* A function marking the words in an escaped HTML string (never inside an entity);
     spaces may stand between the characters of a word, as the comparison ignores them. */
  function marker(words) {
    const parts = words.filter(Boolean).sort((a, b) => b.length - a.length)
      .map(word => [...escapeHtml(word)].map(escapeRegExp).join("\\s*"));
    if (!parts.length) return html => html;
    const pattern = new RegExp(parts.join("|"), "gi");
    return html => html && String(html).split(ENTITY)
      .map((piece, i) => i % 2 ? piece : piece.replace(pattern, "<mark>$&</mark>"))
      .join("");
  }

  function item(entry, score, mark, words, tagged, terms) {
    const doc = entry.doc;
    return [{
      ...doc,
      title: mark(doc.title),
      text: mark(doc.text),
      tags: (doc.tags || []).map((tag, i) => tagged(entry.tags[i]) ? `<mark>${tag}</mark>` : tag),
      score,
      terms: terms || Object.fromEntries(words.map(word => [word, true]))
    }];
  }

  /* One version of each advisory: its language versions share their identifiers, and the
     index marks all but the one the listings show as "alternate" (advpub.site.search). */
  function listed(entries) {
    const shown = entries.filter(entry => !entry.doc.alternate);
    return shown.length ? shown : entries;
  }

  function byIdentifier(raw) {
    const id = raw.normalize("NFKC").toLowerCase();
    const exact = listed(docs.filter(entry => entry.tags.includes(id)));
    if (exact.length)
      return exact.map(entry => item(entry, 2, marker([]), [], tag => tag === id));
    const prefix = listed(docs.filter(entry => entry.tags.some(tag => tag.startsWith(id))));
    if (prefix.length)
      return prefix.map(entry => item(entry, 1, marker([]), [], tag => tag.startsWith(id)));
    const mark = marker([raw]);
    return docs.filter(entry => entry.title.includes(id) || entry.text.includes(id))
      .map(entry => item(entry, 1, mark, [raw], () => false));
  }

  function byText(raw) {
    const words = raw.trim().split(/\s+/).filter(Boolean);
    const keys = words.map(squash);
    const found = [];
    docs.forEach((entry, order) => {
      let score = 0;
      for (const key of keys) {
        const inTitle = entry.title.includes(key);
        if (!inTitle && !entry.text.includes(key) && !entry.extra.includes(key)) return;
        score += inTitle ? 3 : 1;
      }
      found.push({ entry, score, order });
    });
    found.sort((a, b) => b.score - a.score || a.order - b.order);
    const mark = marker(words);
    return found.map(({ entry, score }) =>
      item(entry, score, mark, words, tag => keys.some(key => tag.includes(key))));
  }

  /* Until lunr is ready: the advisories with a word starting with any query word (lunr's
     query is an OR of trailing wildcards), those with every word and in the title first.
     A word none of them has is listed as missing, as lunr's results show it. */
  function byWords(raw) {
    const words = [...new Set(raw.toLowerCase().split(separator)
      .map(word => word.replace(TRIM, "")).filter(Boolean))];
    if (!words.length) return [];
    const found = [];
    docs.forEach((entry, order) => {
      let matched = 0;
      let score = 0;
      const terms = {};
      for (const word of words) {
        const inTitle = entry.titleWords.includes(` ${word}`);
        const hit = inTitle || entry.otherWords.includes(` ${word}`);
        terms[word] = hit;
        if (hit) {
          matched += 1;
          score += inTitle ? 3 : 1;
        }
      }
      if (!matched) return;
      // Every word found ranks above any partial match, as lunr's coordination does.
      found.push({ entry, score: matched === words.length ? score + 10 : score, terms, order });
    });
    found.sort((a, b) => b.score - a.score || a.order - b.order);
    const marks = new Map();
    return found.map(({ entry, score, terms }) => {
      const shown = words.filter(word => terms[word]);
      const key = shown.join(" ");
      if (!marks.has(key)) marks.set(key, marker(shown));
      return item(entry, score, marks.get(key), shown,
        tag => words.some(word => tag.includes(word)), terms);
    });
  }

  /* The answer advpub gives itself, or null to ask lunr. */
  function answer(raw) {
    const text = String(raw).normalize("NFKC").trim();
    // Nothing typed (the page asks as soon as the worker is ready): nothing found, as lunr
    // would answer, without waiting for it.
    if (!text) return { items: [] };
    if (IDENTIFIER.test(text)) return { items: byIdentifier(text) };
    if (HAS_WIDE.test(text)) return { items: byText(text) };
    return null;
  }

  /* An answer while lunr builds its index, or null (lunr syntax: lunr's alone). */
  function provisional(raw) {
    const text = String(raw).normalize("NFKC").trim();
    if (LUNR_SYNTAX.test(text)) return null;
    return { items: byWords(text), provisional: true };
  }

  /* Lunr's results for `asked` with the identifiers shown whole (a tag is marked when a
     word of the query occurs in it). */
  function tidy(result, asked) {
    const words = asked.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean);
    for (const group of result.items || [])
      for (const found of group) {
        const entry = byLocation.get(found.location);
        if (!entry) continue;
        found.tags = (entry.doc.tags || []).map((tag, i) =>
          words.some(word => entry.tags[i].includes(word)) ? `<mark>${tag}</mark>` : tag);
      }
    return result;
  }

  /* Material's worker: `send(message)` to it, `receive(message)` its answers. In a worker
     of its own where the browser allows (`beside`), else loaded into this one. */
  function startLunr(receive) {
    if (typeof Worker === "function") {
      try {
        const worker = new Worker(material.href);
        worker.addEventListener("message", event => receive(event.data));
        const send = message => worker.postMessage(message);
        send.beside = true;
        return send;
      } catch (err) {
        // Not allowed here (e.g. the file:// shim): load it into this worker below.
      }
    }
    let listener = null;
    self.addEventListener = (type, fn, options) => {
      if (type === "message") listener = fn;
      else listen(type, fn, options);
    };
    self.postMessage = message => receive(message);
    importScripts(material.href);
    return message => listener && listener({ data: message });
  }

  function fromLunr(message) {
    if (!message) return;
    if (message.type === READY) {
      lunrReady = true;
      return;
    }
    if (message.type !== RESULT) return;
    const asked = pending.shift();
    // An answer to an older query would replace the newer one's on the page.
    if (asked === latest && message.data) post({ type: RESULT, data: tidy(message.data, asked) });
  }

  const toLunr = startLunr(fromLunr);
  let setup = null;
  let building = false;

  /* Lunr builds its index from the SETUP message, once. */
  function build() {
    if (building || !setup) return;
    building = true;
    toLunr(setup);
  }

  listen("message", event => {
    const message = event.data;
    if (!message) return;
    if (message.type === SETUP && message.data) {
      // Ready at once: the page sends a query only when it has heard it, and that query
      // waits in this worker's queue until the index is read here, which overlaps with the
      // reader's typing.
      post({ type: READY });
      remember(message.data);
      setup = message;
      // Lunr builds beside this worker at the first word query, or a second after the
      // index came (a reader rarely types sooner): its build does not compete with the
      // page's start and the first answer (measured at 5,000 advisories on 2 busy cores:
      // the first result 0.07-0.12 s sooner). Loaded into this worker, it builds now.
      if (toLunr.beside) setTimeout(build, 1000);
      else build();
      // While the reader types: a word query before lunr is ready needs these.
      learnWords();
    } else if (message.type === QUERY && typeof message.data === "string") {
      latest = message.data;
      const own = answer(message.data);
      if (own) {
        post({ type: RESULT, data: own });
        return;
      }
      if (!lunrReady) {
        const early = provisional(message.data);
        if (early) post({ type: RESULT, data: early });
      }
      build();
      pending.push(message.data);
      toLunr(message);
    }
  });
})();
