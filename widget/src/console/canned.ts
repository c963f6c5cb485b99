// Canned responses in a reply box: typing `/shortcut` lists the matching ones (the
// conversation's language first); arrows choose, Enter or Tab inserts. Placeholders are
// filled on insertion: {first_name}, {name} (the requester), {operator} (you), {ticket}.
import { call, el } from "./common";
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
  let choice = 0;
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
    picker.hidden = true;
    box.focus();
    // Say it changed: the box's own listeners (typing indicator, drafts) follow.
    box.dispatchEvent(new Event("input", { bubbles: true }));
    inserted?.(c);
  };
  const render = (): void => {
    const found = matches();
    picker.hidden = found.length === 0;
    choice = Math.min(choice, Math.max(0, found.length - 1));
    picker.replaceChildren(...found.map((c, i) => {
      const item = el("li", { text: `/${c.shortcut} (${c.lang}) — ${c.text}` });
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(i === choice));
      item.addEventListener("mousedown", (e) => { e.preventDefault(); insert(c); });
      return item;
    }));
  };
  box.addEventListener("input", render);
  box.addEventListener("keydown", (event) => {
    const found = picker.hidden ? [] : matches();
    if (!found.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      choice = (choice + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      event.stopImmediatePropagation();
      insert(found[choice]);
    } else if (event.key === "Escape") {
      picker.hidden = true;
    }
  });
  return () => !picker.hidden;
}
