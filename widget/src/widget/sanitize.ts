// Bot answers arrive as HTML the server rendered from Markdown and sanitised. They are cleaned
// once more here (defence in depth: an older or misconfigured desk must not run script in the
// host page): only the protocol's tags survive, and links only with a safe URL.

const KEEP = new Set([
  "P",
  "BR",
  "STRONG",
  "EM",
  "UL",
  "OL",
  "LI",
  "A",
  "CODE",
  "PRE",
  "BLOCKQUOTE",
]);
// Dropped with everything inside them; other unknown tags are unwrapped (their text kept).
const DROP = new Set([
  "SCRIPT",
  "STYLE",
  "TEMPLATE",
  "NOSCRIPT",
  "IFRAME",
  "OBJECT",
  "EMBED",
  "SVG",
  "MATH",
  "TEXTAREA",
  "TITLE",
  "SELECT",
  "IMG",
  "VIDEO",
  "AUDIO",
  "FORM",
  "INPUT",
  "BUTTON",
]);
const SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);

/** Return the safe content of `html` as a fragment of new nodes. */
export function safeFragment(html: string): DocumentFragment {
  // A template's content is inert: nothing in it loads or runs while we read it.
  const template = document.createElement("template");
  template.innerHTML = html;
  const out = document.createDocumentFragment();
  copy(template.content, out);
  return out;
}

function copy(from: Node, to: Node): void {
  from.childNodes.forEach((node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(node.nodeValue || ""));
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = (node as Element).tagName.toUpperCase();
    if (DROP.has(tag)) return;
    if (!KEEP.has(tag)) {
      copy(node, to);
      return;
    }
    const clean = document.createElement(tag.toLowerCase());
    if (tag === "A") {
      const href = safeUrl((node as Element).getAttribute("href"));
      if (href) {
        clean.setAttribute("href", href);
        clean.setAttribute("target", "_blank");
        clean.setAttribute("rel", "noopener noreferrer");
      }
    }
    copy(node, clean);
    to.appendChild(clean);
  });
}

function safeUrl(href: string | null): string | null {
  if (!href) return null;
  try {
    const url = new URL(href, location.href);
    return SCHEMES.has(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}
