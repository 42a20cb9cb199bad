/* advpub: Material's search worker with two kinds of query answered here.

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

   Everything else goes to Material's worker (loaded below) unchanged; its results get the
   advisories' identifiers back whole (its highlighter shows them split at "-").

   This file is part of every built site and passes the leak guard like any other: it
   names no advisory, product or identifier. */
"use strict";
(() => {
  const SETUP = 0;
  const QUERY = 2;
  const RESULT = 3;
  const WIDE = "\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf" +
    "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef";
  const HAS_WIDE = new RegExp(`[${WIDE}]`);
  const SPACE_BY_WIDE = new RegExp(`\\s+(?=[${WIDE}])|(?<=[${WIDE}])\\s+`, "g");
  const IDENTIFIER = /^[a-z][a-z0-9]*[-#][^\s]*\d[^\s]*$/i;
  const ENTITY = /(&[#a-z0-9]+;)/i;

  const material = new URL(new URL(self.location.href).searchParams.get("material") || "",
    self.location.href);
  if (material.origin !== self.location.origin)
    throw new Error("advpub search: the search worker must come from this site");

  let docs = [];
  let query = "";

  function plain(html) {
    return String(html || "")
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, "\"")
      .replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&");
  }

  function squash(text) {
    return text.normalize("NFKC").toLowerCase().replace(SPACE_BY_WIDE, "");
  }

  function remember(index) {
    docs = (index.docs || []).filter(doc => !String(doc.location).includes("#")).map(doc => {
      const tags = (doc.tags || []).map(plain);
      return {
        doc,
        tags: tags.map(tag => tag.normalize("NFKC").toLowerCase()),
        title: squash(plain(doc.title)),
        text: squash(plain(doc.text)),
        extra: squash(`${plain(doc.keywords)} ${tags.join(" ")}`)
      };
    });
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  /* Mark the words in an escaped HTML string (never inside an entity); spaces may stand
     between the characters of a word, as the comparison ignores them. */
  function mark(html, words) {
    const parts = words.filter(Boolean).sort((a, b) => b.length - a.length)
      .map(word => [...escapeHtml(word)].map(escapeRegExp).join("\\s*"));
    if (!parts.length || !html) return html;
    const pattern = new RegExp(parts.join("|"), "gi");
    return String(html).split(ENTITY)
      .map((piece, i) => i % 2 ? piece : piece.replace(pattern, "<mark>$&</mark>"))
      .join("");
  }

  function item(entry, score, words, tagged) {
    const doc = entry.doc;
    const terms = Object.fromEntries(words.map(word => [word, true]));
    return [{
      ...doc,
      title: mark(doc.title, words),
      text: mark(doc.text, words),
      tags: (doc.tags || []).map((tag, i) => tagged(entry.tags[i]) ? `<mark>${tag}</mark>` : tag),
      score,
      terms
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
      return exact.map(entry => item(entry, 2, [], tag => tag === id));
    const prefix = listed(docs.filter(entry => entry.tags.some(tag => tag.startsWith(id))));
    if (prefix.length)
      return prefix.map(entry => item(entry, 1, [], tag => tag.startsWith(id)));
    return docs.filter(entry => entry.title.includes(id) || entry.text.includes(id))
      .map(entry => item(entry, 1, [raw], () => false));
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
    return found.map(({ entry, score }) =>
      item(entry, score, words, tag => keys.some(key => tag.includes(key))));
  }

  /* The answer advpub gives itself, or null to ask Material's worker. */
  function answer(raw) {
    const text = String(raw).normalize("NFKC").trim();
    if (!text) return null;
    if (IDENTIFIER.test(text)) return { items: byIdentifier(text) };
    if (HAS_WIDE.test(text)) return { items: byText(text) };
    return null;
  }

  /* Material's results with the identifiers shown whole (a tag is marked when a word of
     the query occurs in it). */
  function tidy(result) {
    const words = query.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean);
    const byLocation = new Map(docs.map(entry => [entry.doc.location, entry]));
    for (const group of result.items || [])
      for (const found of group) {
        const entry = byLocation.get(found.location);
        if (!entry) continue;
        found.tags = (entry.doc.tags || []).map((tag, i) =>
          words.some(word => entry.tags[i].includes(word)) ? `<mark>${tag}</mark>` : tag);
      }
    return result;
  }

  const post = self.postMessage.bind(self);
  self.postMessage = (message, ...rest) => {
    if (message && message.type === RESULT && message.data) tidy(message.data);
    return post(message, ...rest);
  };

  const listen = self.addEventListener.bind(self);
  self.addEventListener = (type, listener, options) => {
    if (type !== "message") return listen(type, listener, options);
    return listen(type, event => {
      const message = event.data;
      if (message && message.type === SETUP && message.data) remember(message.data);
      if (message && message.type === QUERY && typeof message.data === "string") {
        query = message.data;
        const own = answer(message.data);
        if (own) {
          post({ type: RESULT, data: own });
          return undefined;
        }
      }
      return listener(event);
    }, options);
  };

  importScripts(material.href);
})();
