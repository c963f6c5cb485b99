// The console's own texts (console.js), in the page's language (<html lang>, chosen by the
// server: the operator's choice, else the browser's). The server's pages have their own
// catalog (chatdesk/web/consoletexts.py); a test checks both have every key in each language.
// The ticket pages' texts are one file both sides read (chatdesk/web/tickettexts.json).

import tickets from "../../../chatdesk/web/tickettexts.json";
import texts from "./texts.json";

export type Key = keyof typeof texts.en | keyof typeof tickets.en;
type Lang = keyof typeof texts;

const page = document.documentElement.lang;
export const lang: Lang = page === "fr" || page === "nl" ? page : "en";
/** The locale dates and numbers are written in: European English (a 24-hour clock, the
 * day before the month) for a European desk, French and Dutch as they are. */
export const locale = lang === "en" ? "en-GB" : lang;
const catalog: Record<Key, string> = { ...texts[lang], ...tickets[lang] };
/** What follows a label: French puts a no-break space before the colon ("Statut : ouvert"). */
export const colon = lang === "fr" ? "\u00a0:" : ":";

/** The text `key`, with `{name}` placeholders filled from `values`. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  return catalog[key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A text chosen by a value from the wire (`mode_live`, `priority_high`…), else the value.
 * A priority the desk renamed reads as the desk names it (the server puts the names in the
 * page). */
export function label(
  prefix: "mode" | "priority" | "author" | "status" | "ticket" | "type" | "channel" | "target",
  value: string,
): string {
  if (prefix === "priority") {
    const renamed = pageNames("priority-names")[value];
    if (renamed) return renamed;
  }
  const key = `${prefix}_${value}`;
  return key in catalog ? catalog[key as Key] : value;
}

const blobs = new Map<string, Record<string, string>>();

/** The names the server put in the page as JSON (`<script id=…>`), read once. */
function pageNames(id: string): Record<string, string> {
  let names = blobs.get(id);
  if (names === undefined) {
    const blob = document.getElementById(id)?.textContent;
    try {
      names = blob ? (JSON.parse(blob) as Record<string, string>) : {};
    } catch {
      names = {};
    }
    blobs.set(id, names);
  }
  return names;
}

/** What the operator reads for a department: the desk's name for it in the page's language
 * (the server puts them in the page), else its id. */
export function departmentName(slug: string): string {
  return pageNames("department-names")[slug] ?? slug;
}
