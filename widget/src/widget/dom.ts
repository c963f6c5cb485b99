// Building DOM nodes without innerHTML: text is always inserted as text.

export type Child = Node | string | null | undefined | false;
type Value = string | number | boolean | null | undefined;
export type Attrs = Record<string, Value | ((event: Event) => void)>;

/** Create an element; `on<event>` attributes that are functions become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (typeof value === "function") {
        el.addEventListener(name.slice(2).toLowerCase(), value);
      } else if (value === true) {
        el.setAttribute(name, "");
      } else if (value !== false && value !== null && value !== undefined) {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }
}

/** Replace all children of `parent`. */
export function fill(parent: Node, ...children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/** Make `parent`'s children exactly `nodes`, leaving in place those already there. */
export function sync(parent: Node, nodes: Node[]): void {
  nodes.forEach((node, i) => {
    const current = parent.childNodes[i];
    if (current !== node) parent.insertBefore(node, current || null);
  });
  while (parent.childNodes.length > nodes.length) parent.removeChild(parent.lastChild as Node);
}

const SVG = "http://www.w3.org/2000/svg";

/** Icons (24×24 strokes), decorative: screen readers get the button's label instead. */
const ICONS = {
  chat: "M4 5h16v11H9l-5 4z",
  close: "M6 6l12 12M18 6L6 18",
  person: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0",
  // Three filled dots, big enough to see (stroked 0.01-long lines were barely visible).
  more: "M3.5 12a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0M10.5 12a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0M17.5 12a1.5 1.5 0 1 0 3 0a1.5 1.5 0 1 0-3 0",
  down: "M12 5v14M5 12l7 7 7-7",
  send: "M4 12l16-8-6 16-3-7z",
  clip: "M20 11.5l-7.8 7.8a5 5 0 0 1-7.1-7.1l8.2-8.2a3.3 3.3 0 0 1 4.7 4.7l-8.2 8.2a1.7 1.7 0 0 1-2.4-2.4L15 7",
  up: "M7 11v9H4v-9zM7 11l4-7c1.4 0 2.4 1.2 2 2.6L12.5 10H18a2 2 0 0 1 2 2.4l-1.3 6A2 2 0 0 1 16.7 20H7",
} as const;

export type IconName = keyof typeof ICONS | "thumbdown";

/** A decorative icon; "thumbdown" is "up" turned over (👎). */
export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `i-${name}`);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", ICONS[name === "thumbdown" ? "up" : name]);
  if (name === "thumbdown") path.setAttribute("transform", "rotate(180 12 12)");
  svg.appendChild(path);
  return svg;
}
