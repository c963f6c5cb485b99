// Reply drafts: what an operator has typed in a ticket's or a conversation's reply box is
// kept in this browser (localStorage) until it is sent, so that a reload, a closed tab or a
// look at another ticket loses nothing. Kept a week at most, and forgotten when the
// operator logs out here (a shared computer keeps nobody's words).
import { $, el, me, when } from "./common";
import { t } from "./i18n";

const PREFIX = "chatdesk.draft.";
const KEEP_MS = 7 * 24 * 3600 * 1000;

interface Draft {
  text: string;
  ts: string;
}

/** The browser's storage, or null where it is refused (private windows, settings). */
function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function keys(store: Storage): string[] {
  return Array.from({ length: store.length }, (_, i) => store.key(i) || "").filter((k) => k.startsWith(PREFIX));
}

/** Forget every draft kept in this browser (at log-out). */
export function forgetDrafts(): void {
  const store = storage();
  if (store) for (const key of keys(store)) store.removeItem(key);
}

/** Forget the drafts older than a week, and any that cannot be read. */
export function pruneDrafts(): void {
  const store = storage();
  if (!store) return;
  for (const key of keys(store)) {
    const draft = read(store, key);
    if (!draft || Date.now() - Date.parse(draft.ts) > KEEP_MS) store.removeItem(key);
  }
}

function read(store: Storage, key: string): Draft | null {
  try {
    const draft = JSON.parse(store.getItem(key) || "null") as Draft | null;
    return draft && typeof draft.text === "string" && typeof draft.ts === "string" ? draft : null;
  } catch {
    return null;
  }
}

/** Keep ``box``'s text as the draft ``name`` (a ticket's or a conversation's id, with its
 * kind), put a kept one back when the box is empty, and say so; return what forgets it
 * (once the reply is sent). */
export function keepDraft(box: HTMLTextAreaElement, name: string): () => void {
  const store = storage();
  if (!store || !me) return () => undefined;
  const key = `${PREFIX}${me}.${name}`;
  const said = el("p", { className: "hint draft-said" });
  said.hidden = true;
  said.setAttribute("aria-live", "polite");
  box.after(said);
  const kept = read(store, key);
  if (kept && !box.value && Date.now() - Date.parse(kept.ts) <= KEEP_MS) {
    box.value = kept.text;
    const discard = el("button", { className: "link", text: t("draft_discard") });
    discard.type = "button";
    discard.addEventListener("click", () => {
      box.value = "";
      forget();
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.focus();
    });
    said.replaceChildren(t("draft_restored", { time: when(kept.ts) }), " ", discard);
    said.hidden = false;
  }
  let timer = 0;
  const forget = (): void => {
    window.clearTimeout(timer);
    store.removeItem(key);
    said.hidden = true;
  };
  box.addEventListener("input", () => {
    window.clearTimeout(timer);
    // Written a moment after the last key, not at each one.
    timer = window.setTimeout(() => {
      try {
        if (box.value.trim()) store.setItem(key, JSON.stringify({ text: box.value, ts: new Date().toISOString() }));
        else store.removeItem(key);
      } catch {
        // Storage full or refused: the draft is simply not kept.
      }
    }, 400);
  });
  return forget;
}

/** Forget the drafts when the operator logs out from this browser. */
export function forgetDraftsAtLogout(): void {
  $<HTMLFormElement>('form[action="/console/logout"]')?.addEventListener("submit", forgetDrafts);
}
