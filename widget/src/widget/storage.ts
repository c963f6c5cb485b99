// What the widget keeps in the browser, and only once the visitor opened it (consent-first):
// one localStorage entry per desk, shared by the site's tabs. Before consent everything stays
// in memory; nothing is ever written to cookies.

import { Lang, toLang } from "./i18n";

export interface PendingRecord {
  client_id: string;
  text: string;
  ts: string;
  entry_id?: string; // a `choose` rather than a `message`
}

export interface Saved {
  token: string | null;
  read_seq: number; // the highest seq the visitor has seen with the panel open
  lang: Lang | null; // the visitor's own choice in the widget
  pending: PendingRecord[]; // sent but not acknowledged yet
  rated: Record<string, boolean>; // message id -> useful, for the 👍/👎 shown
  bot_name: string | null; // signs old bot messages once the bot has handed over
}

const empty = (): Saved => ({
  token: null,
  read_seq: 0,
  lang: null,
  pending: [],
  rated: {},
  bot_name: null,
});

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
      };
    } catch {
      return null;
    }
  }
}
