// What the widget keeps in the browser, and only once the visitor opened it (consent-first):
// one localStorage entry per desk, shared by the site's tabs. Before consent everything stays
// in memory; nothing is ever written to cookies. `persist` keeps the entry in step with the
// widget's state.

import { toLang } from "./i18n";
import { DISMISSED_MAX, emptyKept as empty, Kept as Saved, WidgetState } from "./state";
import { Items, pendingRecords } from "./thread";

export type { Saved };

export class Memory {
  data: Saved;
  /** Whether the visitor opened the widget here (now or in an earlier visit). */
  consented: boolean;
  private readonly key: string;

  constructor(deskOrigin: string) {
    this.key = `chatdesk:${deskOrigin}`;
    const saved = this.read();
    this.data = saved || empty();
    this.consented = saved !== null;
  }

  /** The visitor opened the widget: from now on, state is kept in localStorage. */
  consent(): void {
    if (this.consented) return;
    this.consented = true;
    this.write();
  }

  update(patch: Partial<Saved>): void {
    Object.assign(this.data, patch);
    this.write();
  }

  /** Forget everything, here and in storage ("Forget me", or an unknown token). */
  clear(): void {
    this.data = empty();
    this.consented = false;
    try {
      localStorage.removeItem(this.key);
      sessionStorage.removeItem(this.key);
    } catch {
      // storage disabled: nothing was kept
    }
  }

  /** Call `listener` with the new data when another tab changes it (null: cleared). */
  watch(listener: (data: Saved | null) => void): void {
    window.addEventListener("storage", (event) => {
      if (event.storageArea !== localStorage || (event.key !== this.key && event.key !== null))
        return;
      const saved = this.read();
      if (saved) {
        this.data = saved;
        this.consented = true;
      }
      listener(saved);
    });
  }

  /** Per-tab flag (sessionStorage, after consent only): was the panel open? */
  get open(): boolean {
    try {
      return sessionStorage.getItem(this.key) === "open";
    } catch {
      return false;
    }
  }

  set open(value: boolean) {
    if (!this.consented) return;
    try {
      sessionStorage.setItem(this.key, value ? "open" : "closed");
    } catch {
      // storage disabled or full: the panel just starts closed next time
    }
  }

  /** Keep the stored entry in step with `state` (called after every change). */
  persist(state: WidgetState): void {
    if (state.phase === "forgotten") return; // cleared by "Forget me"
    const patch: Partial<Saved> = {};
    const d = this.data;
    if (state.token !== d.token) patch.token = state.token;
    if (state.readSeq !== d.read_seq) patch.read_seq = state.readSeq;
    if (state.chosenLang !== d.lang) patch.lang = state.chosenLang;
    if (state.rated !== d.rated) patch.rated = { ...state.rated };
    if (state.botName !== d.bot_name) patch.bot_name = state.botName;
    if (state.dismissed.join() !== d.dismissed.join()) patch.dismissed = [...state.dismissed];
    const pending = mergePending(d.pending, state.items);
    if (JSON.stringify(pending) !== JSON.stringify(d.pending)) patch.pending = pending;
    if (Object.keys(patch).length) this.update(patch);
  }

  private write(): void {
    if (!this.consented) return;
    try {
      localStorage.setItem(this.key, JSON.stringify(this.data));
    } catch {
      // storage disabled or full: the conversation lasts as long as the page
    }
  }

  private read(): Saved | null {
    let raw: string | null;
    try {
      raw = localStorage.getItem(this.key);
    } catch {
      return null;
    }
    if (!raw) return null;
    try {
      const value = JSON.parse(raw) as Partial<Saved>;
      return {
        token: typeof value.token === "string" ? value.token : null,
        read_seq: typeof value.read_seq === "number" ? value.read_seq : 0,
        lang: toLang(value.lang),
        pending: Array.isArray(value.pending)
          ? value.pending.filter(
              (p) => p && typeof p.client_id === "string" && typeof p.text === "string",
            )
          : [],
        rated: value.rated && typeof value.rated === "object" ? value.rated : {},
        bot_name: typeof value.bot_name === "string" ? value.bot_name : null,
        dismissed: Array.isArray(value.dismissed)
          ? value.dismissed.filter((id) => typeof id === "string").slice(-DISMISSED_MAX)
          : [],
      };
    } catch {
      return null;
    }
  }
}

/** This tab's unsent messages, plus those another tab left that this one does not know,
 * in a stable order (two tabs merging the same lists agree, so they never write in turn). */
function mergePending(stored: Saved["pending"], items: Items): Saved["pending"] {
  const known = new Set(items.map((i) => i.client_id));
  const mine = pendingRecords(items);
  const waiting = new Set(mine.map((p) => p.client_id));
  const kept = stored.filter((p) => !known.has(p.client_id) || waiting.has(p.client_id));
  const keptIds = new Set(kept.map((p) => p.client_id));
  return [...kept, ...mine.filter((p) => !keptIds.has(p.client_id))];
}
