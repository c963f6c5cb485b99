// Text from the network made into DOM, safely, for the widget and the console: the bot's
// HTML cleaned with DOMPurify (only the protocol's tags; links only http, https, mailto and
// tel, opening in a new tab), and URLs in plain text (operators, system lines) made into
// links with DOM APIs: text is never parsed as HTML.

import DOMPurify from "dompurify";

const TAGS = ["p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "pre", "blockquote"];
// Also a path on the desk ("/support/new": knowledge links its own pages), not "//host".
const BOT_SCHEMES = /^(?:(?:https?|mailto|tel):|\/(?![/\\]))/i;
const TEXT_SCHEMES = new Set(["http:", "https:", "mailto:"]);

let hooked = false;
// The base the current sanitize call resolves paths against (DOMPurify's hooks are global).
let base: URL | null = null;

function newTab(link: Element): void {
  link.setAttribute("target", "_blank");
  link.setAttribute("rel", "noopener noreferrer");
}

/** The bot's sanitised HTML (docs/protocol.md, "Bot messages"), cleaned again here: an
 * older or misconfigured desk must not run script in the page. Paths (`/support/new`) are
 * the desk's: with `desk` (the widget, on another site) they become links to it. */
export function safeHtml(html: string, desk?: URL): DocumentFragment {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook("afterSanitizeAttributes", (node) => {
      if (node.nodeName !== "A" || !node.hasAttribute("href")) return;
      const href = node.getAttribute("href") || "";
      if (base && href.startsWith("/")) node.setAttribute("href", new URL(href, base).href);
      newTab(node);
    });
  }
  base = desk ?? null;
  try {
    return DOMPurify.sanitize(html, {
      ALLOWED_TAGS: TAGS,
      ALLOWED_ATTR: ["href"],
      ALLOWED_URI_REGEXP: BOT_SCHEMES,
      RETURN_DOM_FRAGMENT: true,
    });
  } finally {
    base = null;
  }
}

// http(s) and mailto URLs, www. addresses and bare e-mail addresses.
const FINDER =
  /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b/gi;
// Punctuation that ends a sentence rather than the URL ("see https://x.be/a.").
const TRAILING = /[.,;:!?'")\]]+$/;

function href(found: string): string | null {
  let candidate = found;
  if (/^www\./i.test(found)) candidate = `https://${found}`;
  else if (!/^(?:https?:|mailto:)/i.test(found)) candidate = `mailto:${found}`;
  try {
    const url = new URL(candidate);
    return TEXT_SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** `text` as nodes, its URLs and e-mail addresses as links opening in a new tab. */
export function linkify(text: string): Node[] {
  const nodes: Node[] = [];
  let at = 0;
  for (const match of text.matchAll(FINDER)) {
    let found = match[0];
    const tail = TRAILING.exec(found);
    if (tail) found = found.slice(0, found.length - tail[0].length);
    const target = found ? href(found) : null;
    if (!target) continue;
    const start = match.index ?? 0;
    if (start > at) nodes.push(document.createTextNode(text.slice(at, start)));
    const link = document.createElement("a");
    link.href = target;
    newTab(link);
    link.textContent = found;
    nodes.push(link);
    at = start + found.length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}
