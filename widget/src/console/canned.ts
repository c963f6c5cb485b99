// Canned responses in a reply box: typing `/shortcut` lists the matching ones (the
// conversation's language first); arrows choose, Enter or Tab inserts. Placeholders are
// filled on insertion: {first_name}, {name} (the requester), {operator} (you), {ticket}.
import { call } from "./common";
import { attachPicker } from "./picker";
import { Canned } from "./protocol";

/** What the placeholders of a canned response stand for, here. */
export interface CannedValues {
  lang?: string;
  name?: string;
  ticket?: string;
}

/** ``text`` with its placeholders filled; one without a value here is left for the
 * operator to fill (visible, not silently dropped). "Bonjour {first_name}," without a
 * name reads "Bonjour,". */
export function fillCanned(text: string, values: CannedValues): string {
  const name = (values.name || "").trim();
  const known: Record<string, string> = {
    name,
    first_name: name.split(/\s+/)[0] || "",
    operator: document.body.dataset.operatorName || "",
    ticket: values.ticket || "",
  };
  return text
    .replace(/ \{(name|first_name)\}(?=[,.!?])/g, (whole, key: string) => (known[key] ? whole : ""))
    .replace(/\{(\w+)\}/g, (whole, key: string) => known[key] || whole);
}

/** Attach the picker to ``box`` (its options go in ``picker``); return whether the picker
 * is open, so the box's own Enter (send) waits while a response is being chosen. */
export function attachCanned(
  box: HTMLTextAreaElement,
  picker: HTMLUListElement,
  values: () => CannedValues,
  inserted?: (c: Canned) => void,
): () => boolean {
  let canned: Canned[] = [];
  call("canned", {}).then((ack) => {
    if (ack.ok) canned = ack.responses as Canned[];
  });
  const matches = (): Canned[] => {
    const m = /^\/([\w-]*)$/.exec(box.value);
    if (!m) return [];
    const lang = values().lang;
    return canned
      .filter((c) => c.shortcut.startsWith(m[1]))
      .sort((a, b) => Number(b.lang === lang) - Number(a.lang === lang) || a.shortcut.localeCompare(b.shortcut));
  };
  const insert = (c: Canned): void => {
    box.value = fillCanned(c.text, values());
    box.focus();
    // Say it changed: the box's own listeners (typing indicator, drafts) follow.
    box.dispatchEvent(new Event("input", { bubbles: true }));
    inserted?.(c);
  };
  return attachPicker(box, picker, matches, (c) => `/${c.shortcut} (${c.lang}) — ${c.text}`, insert);
}
