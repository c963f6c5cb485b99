// The console's own texts (console.js), in the page's language (<html lang>, chosen by the
// server: the operator's choice, else the browser's). The server's pages have their own
// catalog (chatdesk/web/consoletexts.py); a test checks both have every key in each language.

import texts from "./texts.json";

export type Key = keyof typeof texts.en;
type Lang = keyof typeof texts;

const page = document.documentElement.lang;
export const lang: Lang = page === "fr" || page === "nl" ? page : "en";
const catalog: Record<Key, string> = texts[lang];

/** The text `key`, with `{name}` placeholders filled from `values`. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  return catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A text chosen by a value from the wire (`mode_live`, `priority_high`…), else the value. */
export function label(
  prefix: "mode" | "priority" | "author" | "status" | "ticket",
  value: string,
): string {
  const key = `${prefix}_${value}`;
  return key in catalog ? catalog[key as Key] : value;
}
