// What the visitor asks for, carried out: opening (the consent), writing, choosing, rating,
// asking for a person, the offline and rating forms, the language, Forget me. Each request
// goes to the desk and its outcome into the store.

import { I18n, i18nFor, Key, toLang } from "./i18n";
import { Intents } from "./intents";
import {
  Ack,
  Choice,
  ContactDetails,
  ErrorInfo,
  isMessage,
  LangAck,
  RatingValue,
  readBot,
  readState,
} from "./protocol";
import { Session } from "./session";
import { Action, Screen, WidgetState } from "./state";
import { Memory } from "./storage";
import { Store } from "./store";
import { Item, maxSeq, newClientId, PendingRecord } from "./thread";
import { Timers } from "./timers";

/** The site's invitation is a line, not a message. */
const PROMPT_MAX = 140;

export class Controller implements Intents {
  private typingSent = 0; // when "typing on" was last sent (0: "off" was)
  private receiptSent = 0; // the seq last told to the desk as seen (this page's life)
  private receiptFor: string | null = null; // the conversation (session token) it was of

  constructor(
    private readonly store: Store<WidgetState, Action>,
    private readonly session: Session,
    private readonly memory: Memory,
    private readonly timers: Timers,
    private readonly desk: URL,
  ) {}

  private get s(): WidgetState {
    return this.store.state;
  }

  private get i18n(): I18n {
    return i18nFor(this.s.lang);
  }

  /** Open the panel; this is the visitor's consent, so the widget connects. */
  open(): void {
    if (this.s.open) return;
    this.memory.consent();
    this.memory.open = true;
    this.store.dispatch({ type: "open", open: true });
    if (this.s.phase === "idle") this.session.connect();
    this.markRead();
  }

  close(): void {
    if (!this.s.open) return;
    this.memory.open = false;
    this.store.dispatch({ type: "open", open: false });
    this.typing(false);
  }

  toggle(): void {
    if (this.s.open) this.close();
    else this.open();
  }

  /** The visitor sees the latest messages (panel open, tab visible): they are read. The
   * desk hears of it when an operator's message is among them (the console's "Seen"); the
   * bot's answers alone cost it nothing. */
  markRead(): void {
    if (!this.s.open || document.visibilityState !== "visible") return;
    const newest = maxSeq(this.s.items);
    if (newest > this.s.readSeq) this.store.dispatch({ type: "read", seq: newest });
    const { link } = this.session;
    if (this.receiptFor !== this.s.sessionToken) {
      this.receiptFor = this.s.sessionToken; // a new conversation numbers from 1 again
      this.receiptSent = 0;
    }
    const since = this.receiptSent;
    if (newest > since && link.connected &&
      this.s.items.some((i) => i.author === "operator" && i.seq !== null && i.seq > since)) {
      this.receiptSent = newest;
      link.send("read", { seq: newest });
    }
  }

  send(text: string): void {
    text = text.trim();
    if (text) this.enqueue({ client_id: newClientId(), text, ts: new Date().toISOString() });
  }

  attach(file: File): void {
    void this.uploading(file);
  }

  /** POST the file to the desk (docs/protocol.md, "Files in chat"); the message shows
   * "sending" until the desk has stored it, and a refusal is said in the visitor's words. */
  private async uploading(file: File): Promise<void> {
    const token = this.s.sessionToken;
    if (this.s.phase !== "ready" || token === null) {
      this.notify(this.i18n.t("not_connected"));
      return;
    }
    const clientId = newClientId();
    const ts = new Date().toISOString();
    this.store.dispatch({
      type: "pending",
      record: { client_id: clientId, text: file.name, ts, upload: true },
    });
    const body = new FormData();
    body.append("client_id", clientId);
    body.append("file", file, file.name);
    let code = "failed";
    try {
      const response = await fetch(new URL("widget/files", this.desk), {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body,
      });
      const answer = (await response.json().catch(() => null)) as {
        message?: unknown;
        error?: ErrorInfo;
      } | null;
      if (response.status === 201 && answer && isMessage(answer.message)) {
        this.store.dispatch({ type: "message", message: answer.message, acked: true });
        return;
      }
      code = (answer && answer.error && answer.error.code) || "failed";
    } catch {
      code = "network";
    }
    this.store.dispatch({ type: "unpend", clientId });
    this.notify(this.i18n.t(FILE_ERRORS[code] || "file_failed"));
  }

  choose(choice: Choice): void {
    const ts = new Date().toISOString();
    this.enqueue({ client_id: newClientId(), text: choice.title, ts, entry_id: choice.entry_id });
  }

  private enqueue(record: PendingRecord): void {
    if (this.s.phase === "idle" || this.s.phase === "forgotten") this.session.connect();
    this.store.dispatch({ type: "pending", record });
  }

  retry(item: Item): void {
    if (item.seq !== null || !item.client_id) return;
    this.store.dispatch({
      type: "delivery",
      clientId: item.client_id,
      delivery: "sending",
      error: null,
    });
    if (this.s.phase !== "ready") this.session.connect();
  }

  /** 👍/👎 at once, remembered locally; undone when the desk does not take it. */
  rate(item: Item, useful: boolean): void {
    const id = item.message && item.message.id;
    if (!id) return;
    const before = id in this.s.rated ? this.s.rated[id] : null;
    this.store.dispatch({ type: "rated", id, useful });
    void this.request("feedback", { message_id: id, useful }).then((ack) => {
      if (ack === null) this.store.dispatch({ type: "rated", id, useful: before });
    });
  }

  escalate(): void {
    void this.escalating();
  }

  private async escalating(): Promise<void> {
    if (this.s.phase !== "ready") {
      this.session.connect();
      this.notify(this.i18n.t("not_connected"));
      return;
    }
    let ack: Ack<{ state?: unknown }>;
    try {
      ack = await this.session.link.call("escalate", {});
    } catch {
      this.notify(this.i18n.t("not_connected"));
      return;
    }
    if (ack === undefined) {
      // A desk without the `escalate` event: ask in words, which its bot understands.
      this.send(this.i18n.t("person_request"));
    } else if (ack.ok) {
      if (ack.state) this.store.dispatch({ type: "state", conv: readState(ack.state) });
    } else {
      this.notify(this.i18n.t("error"));
    }
  }

  async contact(details: ContactDetails): Promise<string | null> {
    const i18n = this.i18n;
    let ack: Ack<{ state?: unknown }>;
    try {
      ack = await this.session.link.call("contact", details);
    } catch {
      return i18n.t("not_connected");
    }
    if (!ack) return i18n.t("error");
    if (!ack.ok) {
      // The desk's own words when it takes customers' requests only (in the visitor's
      // language).
      if (ack.error.code === "access_denied") return ack.error.message;
      const badEmail = ack.error.code === "invalid_email" || /e-?mail/i.test(ack.error.message);
      return badEmail ? i18n.t("email_invalid") : errorText(i18n, ack.error);
    }
    this.store.dispatch({ type: "contactDone", email: details.email });
    if (ack.state) this.store.dispatch({ type: "state", conv: readState(ack.state) });
    return null;
  }

  async transcript(email: string): Promise<string | null> {
    const i18n = this.i18n;
    let ack: Ack<{ email?: string }>;
    try {
      ack = await this.session.link.call("transcript", { email });
    } catch {
      return i18n.t("not_connected");
    }
    if (!ack) return i18n.t("error");
    if (ack.ok) return null;
    switch (ack.error.code) {
      case "invalid_email":
        return i18n.t("email_invalid");
      case "nothing_to_send":
        return i18n.t("transcript_empty");
      case "rate_limited":
        return i18n.t("transcript_limit");
      case "blocked": // the desk's words, in the visitor's language
        return ack.error.message;
      default:
        return errorText(i18n, ack.error);
    }
  }

  async rateConversation(value: RatingValue): Promise<string | null> {
    let ack: Ack;
    try {
      ack = await this.session.link.call("rate", value);
    } catch {
      return this.i18n.t("not_connected");
    }
    if (!ack || !ack.ok) return this.i18n.t("error");
    this.store.dispatch({ type: "ratingDone" });
    return null;
  }

  /** The visitor's choice: the UI switches at once; the desk is told with `lang` (no
   * reconnection), and answers with the bot's greeting in that language. */
  setLanguage(tag: string): void {
    const lang = toLang(tag);
    if (!lang) return;
    const same = lang === this.s.lang;
    this.store.dispatch({ type: "lang", lang, source: "visitor" });
    if (!same && this.s.phase === "ready") void this.tellLanguage(lang);
  }

  private async tellLanguage(lang: string): Promise<void> {
    let ack: Ack<LangAck>;
    try {
      ack = await this.session.link.call<LangAck>("lang", { lang });
    } catch {
      return; // the next connection sends it in `auth`
    }
    if (ack === undefined) {
      // A desk without the `lang` event: it takes the language when connecting.
      this.session.link.restart();
    } else if (ack.ok) {
      const agreed = toLang(ack.lang);
      if (agreed) this.store.dispatch({ type: "lang", lang: agreed, bot: readBot(ack.bot) });
      if (ack.state) this.store.dispatch({ type: "state", conv: readState(ack.state) });
    } else {
      this.notify(this.i18n.t("error"));
    }
  }

  options(open: boolean): void {
    this.store.dispatch({ type: "options", open });
  }

  screen(screen: Screen): void {
    this.store.dispatch({ type: "screen", screen });
  }

  dismissNotice(id: string): void {
    this.store.dispatch({ type: "dismissNotice", id });
  }

  dismissPrompt(): void {
    this.store.dispatch({ type: "prompt", text: null });
  }

  /** The site's invitation beside the launcher ("A question about our plans?"): plain
   * text, once per page, never once the panel was opened here. Nothing is stored. */
  prompt(text: string): void {
    const said = text.replace(/\s+/g, " ").trim().slice(0, PROMPT_MAX);
    if (said) this.store.dispatch({ type: "prompt", text: said });
  }

  async forget(): Promise<string | null> {
    if (this.s.sessionToken !== null) {
      try {
        const ack = await this.session.link.call("forget", {});
        if (!ack || !ack.ok) throw new Error("refused");
      } catch {
        return this.i18n.t("not_connected");
      }
    }
    this.wipe();
    return null;
  }

  /** Forget everything here (after "Forget me", in this tab or another). */
  wipe(): void {
    if (this.s.phase === "forgotten") return;
    this.session.link.stop();
    this.memory.clear();
    this.store.dispatch({ type: "forgotten" });
  }

  startOver(): void {
    this.memory.consent();
    this.session.connect();
  }

  /** Tell the desk the visitor types: at most every 3 s, "off" after 5 s without a key. */
  typing(on: boolean): void {
    const { link } = this.session;
    const now = Date.now();
    if (on) {
      if (now - this.typingSent > 3_000) {
        this.typingSent = now;
        link.send("typing", { on: true });
      }
      this.timers.later("typing-off", 5_000, () => this.typing(false));
    } else if (this.typingSent) {
      this.typingSent = 0;
      this.timers.clear("typing-off");
      link.send("typing", { on: false });
    }
  }

  /** A short-lived notice above the composer (a request that failed). */
  notify(text: string): void {
    this.store.dispatch({ type: "notice", text });
    this.timers.later("notice", 6_000, () => this.store.dispatch({ type: "notice", text: "" }));
  }

  /** Call `event`; show a notice and return null when it fails. */
  private async request(event: string, payload: unknown): Promise<{ ok: true } | null> {
    let ack: Ack;
    try {
      ack = await this.session.link.call(event, payload);
    } catch {
      this.notify(this.i18n.t("not_connected"));
      return null;
    }
    if (ack && ack.ok) return ack;
    this.notify(this.i18n.t("error"));
    return null;
  }
}

/** What the visitor reads when the desk refuses a file, by the error's code. */
const FILE_ERRORS: Record<string, Key> = {
  too_large: "file_too_large",
  executable: "file_type",
  type_not_allowed: "file_type",
  empty_file: "file_type",
  no_ticket: "file_no_ticket",
  network: "not_connected",
  rate_limited: "not_connected",
};

function errorText(i18n: I18n, error: ErrorInfo): string {
  return error.code === "rate_limited" || error.code === "store_unavailable"
    ? i18n.t("not_connected")
    : i18n.t("error");
}
