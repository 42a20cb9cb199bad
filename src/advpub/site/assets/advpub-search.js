/* advpub: run Material's search worker through advpub-search-worker.js (same folder), which
   answers exact identifier queries and Japanese text itself and passes everything else on.
   Loaded in <head>, before Material's bundle creates its worker. */
(() => {
  "use strict";
  /* Material's switch between language versions of a site fetches and parses sitemap.xml
     relative to every <link rel="alternate"> when the page has loaded. For a feed link that
     is this site's whole sitemap, once per feed: at 5,000 advisories four parses of 0.7 MB
     on the main thread (0.6 s in Chromium's profiler), before search can start. A feed is
     no language version, so its links are hidden from that one look-up: their rel is
     "alternate" again right after it (the HTML, and so feed discovery, is unchanged). This
     listener runs before Material's, whose bundle loads after this script. */
  const FEED = /^application\/(?:atom\+xml|rss\+xml|rdf\+xml|feed\+json)$/i;
  document.addEventListener("DOMContentLoaded", () => {
    const feeds = [...document.querySelectorAll("link[rel=alternate][type]")]
      .filter(link => FEED.test(link.type));
    for (const link of feeds) link.rel = "alternate feed";
    setTimeout(() => {
      for (const link of feeds) link.rel = "alternate";
    }, 0);
  }, { once: true });
  const Native = window.Worker;
  if (typeof Native !== "function") return;
  const material = /\/workers\/search\.[^/?#]*\.js$/;
  window.Worker = class extends Native {
    constructor(url, options) {
      const href = new URL(String(url), document.baseURI);
      if (href.origin === location.origin && material.test(href.pathname)) {
        const own = new URL("advpub-search-worker.js", href);
        own.searchParams.set("material", href.href);
        super(own.href, options);
      } else {
        super(url, options);
      }
    }
  };
})();
