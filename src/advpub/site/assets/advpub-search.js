/* advpub: run Material's search worker through advpub-search-worker.js (same folder), which
   answers exact identifier queries and Japanese text itself and passes everything else on.
   Loaded in <head>, before Material's bundle creates its worker. */
(() => {
  "use strict";
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
