// Entry point of widget.js: read the embedding <script> tag, mount the widget in a Shadow DOM,
// and expose window.chatdesk. Nothing is stored and no connection is made until the visitor
// opens the widget (or came back after opening it on an earlier visit).

import css from "./styles.css";
import { Lang, toLang } from "./i18n";
import { Widget } from "./widget";

interface Api {
  open(): void;
  close(): void;
  toggle(): void;
  setLanguage(lang: string): void;
  /** Invite the visitor beside the launcher (once per page, never after they opened it). */
  prompt(text: string): void;
  /** The widget's language now (`chatdesk:lang` on window tells when it changes). */
  readonly lang: Lang;
}

declare global {
  interface Window {
    chatdesk?: Api;
    __chatdeskLoaded?: boolean;
    /** The desk's colour, set by the server before the bundle when the desk has its own. */
    __chatdeskColour?: string;
  }
}

function embeddingScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  const all = document.querySelectorAll<HTMLScriptElement>('script[src*="widget.js"]');
  return all.length ? all[all.length - 1] : null;
}

/** CSS variables for the brand colour (the page's `data-color`, else the desk's): text on
 * it, links and tints readable on white. */
function colors(...values: (string | undefined)[]): string {
  const pattern = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;
  const brand = values.map((v) => v?.trim()).find((v) => v && pattern.test(v)) ?? "#1d4ed8";
  const hex = brand.length === 4 ? brand.replace(/[0-9a-f]/gi, "$&$&").slice(1) : brand.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const onWhite = 1.05 / (luminance + 0.05);
  const onBrand = onWhite >= (luminance + 0.05) / 0.05 ? "#fff" : "#111";
  const ink = onWhite >= 4.5 ? brand : "#1f2937";
  return `:host{--cd-brand:${brand};--cd-on-brand:${onBrand};--cd-ink:${ink}}`;
}

function boot(): void {
  if (window.__chatdeskLoaded) return; // the snippet was pasted twice
  window.__chatdeskLoaded = true;
  const script = embeddingScript();
  if (!script) {
    console.warn("chatdesk: cannot tell where widget.js was loaded from; the widget is not shown");
    return;
  }
  const desk = new URL(".", script.src);
  const siteLang = toLang(script.dataset.lang);
  const position = script.dataset.position === "left" ? "left" : "right";
  const sound = script.dataset.sound !== "off";
  const style = css + colors(script.dataset.color, window.__chatdeskColour);
  const start = (): void => {
    const host = document.createElement("chatdesk-widget");
    const shadow = host.attachShadow({ mode: "open" });
    document.body.appendChild(host);
    const widget = new Widget(shadow, { desk, siteLang, position, sound }, style);
    window.chatdesk = {
      open: () => widget.open(),
      close: () => widget.close(),
      toggle: () => widget.toggle(),
      setLanguage: (tag) => widget.setLanguage(tag),
      prompt: (text) => widget.prompt(String(text ?? "")),
      get lang() {
        return widget.lang;
      },
    };
    window.dispatchEvent(new CustomEvent("chatdesk:ready"));
    // data-prompt="A question about our plans?" data-prompt-after="20" (seconds).
    const invitation = script.dataset.prompt;
    if (invitation) {
      const after = Math.min(Math.max(Number(script.dataset.promptAfter) || 0, 0), 3600);
      window.setTimeout(() => widget.prompt(invitation), after * 1000);
    }
  };
  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start, { once: true });
}

boot();
