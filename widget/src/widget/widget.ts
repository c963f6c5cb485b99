// The widget's controller: consent, the conversation's life over an unreliable connection
// (outbox with client ids, replay, history), escalation states, and the panel's rendering.

import { choices, MessageContext, renderMessage } from "./render";
import {
  contactForm,
  ContactDetails,
  forgetScreen,
  forgottenScreen,
  ratingForm,
  RatingValue,
  sheet,
  stateLines,
} from "./cards";
import { Link } from "./connection";
import { fill, h, sync } from "./dom";
import { I18n, Lang, toLang } from "./i18n";
import {
  Ack,
  BotIntro,
  Choice,
  ConversationState,
  Desk,
  ErrorInfo,
  isMessage,
  readDesk,
  readState,
  ServerMessage,
  Session,
} from "./protocol";
import { buildShell, Shell } from "./shell";
import { Memory, PendingRecord, Saved } from "./storage";
import { Outbox } from "./outbox";
import { Item, newClientId, Thread } from "./thread";

export interface Options {
  desk: URL; // where widget.js came from: the desk's base URL
  lang: Lang; // from data-lang, the page's <html lang>, or the browser
  position: "left" | "right";
}

type Phase = "idle" | "connecting" | "ready" | "lost" | "forgotten";

const HISTORY_PAGE = 200;
// Below this width the panel takes the whole screen (styles.css says the same).
const NARROW = window.matchMedia("(max-width: 479.98px)");

export class Widget {
  private readonly memory: Memory;
  private readonly link: Link;
  private readonly thread = new Thread();
  private readonly outbox: Outbox;
  private readonly nodes = new Map<string, HTMLElement>();
  private i18n: I18n;
  private ui!: Shell;
  private phase: Phase = "idle";
  private wanted = false; // the visitor gave consent: stay connected
  private isOpen = false;
  private historyLoaded = false;
  private token: string | null = null; // the token of the current session
  private bot: BotIntro | null = null;
  private desk: Desk | null = null;
  private state: ConversationState = readState(null);
  private contactDone: string | null = null; // the e-mail address given in the offline form
  private ratingDone = false;
  private contactEl: HTMLElement | null = null;
  private ratingEl: HTMLElement | null = null;
  private typingFrom: string | null = null; // who is shown typing (operator or bot name)
  private thinkingAfter: number | null = null; // the bot is answering the message of this seq
  private typingSent = 0;
  private timers: Record<string, number> = {};
  private retryDelay = 1_000;

  constructor(
    private readonly host: ShadowRoot,
    private readonly options: Options,
    css: string,
  ) {
    this.memory = new Memory(options.desk.origin);
    this.i18n = new I18n(this.memory.data.lang || options.lang);
    const path = `${options.desk.pathname.replace(/\/$/, "")}/socket.io`;
    this.link = new Link(new URL("visitor", options.desk).href, path, () => this.auth(), {
      connected: () => this.onConnected(),
      disconnected: (reason, willRetry) => this.onDisconnected(reason, willRetry),
      refused: (reason) => this.onRefused(reason),
      event: (name, payload) => this.onEvent(name, payload),
    });
    // A constructed stylesheet is not inline style: pages whose CSP forbids those still work.
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      host.adoptedStyleSheets = [sheet];
    } catch {
      const style = document.createElement("style");
      style.textContent = css;
      host.appendChild(style);
    }
    this.outbox = new Outbox(this.thread, this.memory, this.link, {
      ready: () => this.phase === "ready" && this.link.connected,
      acked: (message) => this.onAcked(message),
      changed: (item) => this.place(item),
      retryLater: () => this.later("flush", 3_000, () => void this.outbox.flush()),
    });
    this.outbox.restore();
    this.mount();
    this.memory.watch((data) => this.onStorage(data));
    window.addEventListener("online", () => this.onNetwork(true));
    window.addEventListener("offline", () => this.onNetwork(false));
    document.addEventListener("visibilitychange", () => this.markRead());
    // A returning visitor (consent given earlier) reconnects at once: unread replies show on
    // the launcher, and operators see the page they are on.
    if (this.memory.consented && this.memory.data.token) {
      this.connect();
      if (this.memory.open) this.open(false);
    }
  }

  // ---- public API (window.chatdesk) ----

  open(focus = true): void {
    if (this.isOpen) return;
    this.isOpen = true;
    this.memory.consent();
    this.memory.open = true;
    this.ui.panel.hidden = false;
    this.ui.panel.setAttribute("aria-modal", String(NARROW.matches));
    this.ui.root.classList.add("is-open");
    this.ui.launcher.setAttribute("aria-expanded", "true");
    this.ui.launcher.setAttribute("aria-label", this.i18n.t("close_chat"));
    if (this.phase === "idle") this.connect();
    this.renderAll();
    this.scrollToEnd();
    this.markRead();
    if (focus) {
      if (!this.ui.screen.hidden) this.ui.screen.querySelector("button")?.focus();
      else this.ui.input.focus();
    }
  }

  close(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.memory.open = false;
    this.ui.panel.hidden = true;
    this.ui.root.classList.remove("is-open");
    this.ui.launcher.setAttribute("aria-expanded", "false");
    this.toggleOptions(false);
    this.sendTyping(false);
    this.renderBadge();
    this.ui.launcher.focus();
  }

  toggle(): void {
    if (this.isOpen) this.close();
    else this.open();
  }

  setLanguage(tag: string): void {
    const lang = toLang(tag);
    if (!lang || lang === this.i18n.lang) return;
    this.i18n = new I18n(lang);
    this.memory.update({ lang });
    const optionsOpen = !this.ui.options.hidden;
    this.mount();
    if (this.isOpen) {
      this.isOpen = false;
      this.open(false);
    }
    if (optionsOpen) {
      this.toggleOptions(true);
      this.ui.lang.focus();
    }
    // The desk answers in the language given when connecting: reconnect to switch.
    if (this.wanted && this.navigatorOnline()) this.link.restart();
  }

  // ---- connection ----

  private auth(): Record<string, unknown> {
    const auth: Record<string, unknown> = {
      lang: this.i18n.lang,
      page: location.href.slice(0, 2048),
    };
    if (this.memory.data.token) auth.token = this.memory.data.token;
    // Replay what was missed while away; the first connection of a page reads history instead.
    if (this.historyLoaded) auth.since = this.thread.maxSeq;
    return auth;
  }

  private connect(): void {
    this.wanted = true;
    if (this.phase === "idle" || this.phase === "forgotten") this.phase = "connecting";
    if (this.navigatorOnline()) this.link.start();
    this.renderHeader();
    this.renderBanner();
  }

  private navigatorOnline(): boolean {
    // As engine.io does: a desk on localhost is reachable without a network.
    return navigator.onLine || this.options.desk.hostname === "localhost";
  }

  private onNetwork(online: boolean): void {
    if (!this.wanted || this.options.desk.hostname === "localhost") return;
    if (online) {
      this.link.restart();
    } else {
      this.link.stop();
      if (this.phase === "ready") this.phase = "lost";
    }
    this.renderBanner();
  }

  private onConnected(): void {
    this.retryDelay = 1_000;
  }

  private onDisconnected(reason: string, willRetry: boolean): void {
    if (this.phase === "forgotten" || !this.wanted) return;
    this.phase = "lost";
    this.typingFrom = null;
    this.thinkingAfter = null;
    this.renderTyping();
    this.renderChips();
    this.later("banner", 1_500, () => this.renderBanner());
    // The server closed us (a restart...): socket.io will not come back by itself.
    if (!willRetry && reason === "io server disconnect") this.retry();
  }

  private onRefused(reason: string): void {
    if (reason === "invalid_token") {
      // Forgotten, or another desk's token: start afresh; unsent messages go to the new one.
      this.memory.update({ token: null, read_seq: 0 });
      this.resetConversation();
      this.link.start();
      return;
    }
    this.phase = "lost";
    this.renderBanner();
    this.retry();
  }

  private retry(): void {
    this.later(
      "reconnect",
      this.retryDelay,
      () => this.wanted && this.navigatorOnline() && this.link.start(),
    );
    this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
  }

  private onEvent(name: string, payload: unknown): void {
    switch (name) {
      case "session":
        void this.onSession(payload as Session);
        break;
      case "message":
        if (isMessage(payload)) this.merge(payload);
        break;
      case "typing": {
        const p = payload as { author?: string; on?: boolean };
        if (p && p.author === "operator") this.showTyping(p.on ? this.operatorLabel() : null);
        break;
      }
      case "state":
        this.applyState(readState(payload));
        break;
      case "desk":
        this.desk = readDesk(payload) || this.desk;
        this.renderHeader();
        break;
      case "escalated":
        // Until the desk sends the new state, show the likely one (what a reconnection
        // would report): queued while someone is online, otherwise a waiting ticket.
        if (this.state.mode === "bot") {
          const online = this.desk !== null && this.desk.status === "online";
          this.applyState(
            readState({ mode: online ? "queued" : "waiting", offline_form: !online }),
          );
        }
        break;
      case "forgotten":
        this.wipe();
        break;
    }
  }

  private async onSession(session: Session): Promise<void> {
    if (!session || typeof session.token !== "string") return;
    if (this.token !== null && this.token !== session.token) this.resetConversation();
    this.token = session.token;
    this.memory.update({ token: session.token });
    this.phase = "ready";
    this.bot = session.bot && typeof session.bot.greeting === "string" ? session.bot : null;
    if (this.bot) this.memory.update({ bot_name: this.bot.name });
    this.desk = readDesk(session.desk) || this.desk;
    this.applyState(readState(session.state, session.mode));
    this.clearTimer("banner");
    this.renderAll();
    if (!this.historyLoaded) await this.loadHistory();
    void this.outbox.flush();
  }

  private async loadHistory(): Promise<void> {
    this.ui.log.setAttribute("aria-busy", "true");
    let since = 0;
    try {
      for (;;) {
        const ack = await this.link.call<{ messages: ServerMessage[]; more: boolean }>("history", {
          since,
          limit: HISTORY_PAGE,
        });
        if (!ack || !ack.ok) break;
        const messages = ack.messages.filter(isMessage);
        for (const message of messages) this.merge(message, false);
        if (!ack.more || messages.length === 0) {
          this.historyLoaded = true;
          break;
        }
        since = messages[messages.length - 1].seq;
      }
    } catch {
      // disconnected while reading: the next session reads it again
    } finally {
      this.ui.log.removeAttribute("aria-busy");
    }
    this.renderChips();
    this.scrollToEnd();
    this.markRead();
  }

  // ---- messages ----

  private merge(message: ServerMessage, live = true): void {
    const stick = this.nearEnd();
    const merged = this.thread.addServer(message);
    if (!merged) return;
    const { item } = merged;
    if (item.client_id) this.outbox.drop(item.client_id);
    this.place(item);
    if (live && item.author !== "visitor") {
      if (
        item.author === "operator" ||
        (item.author === "bot" && this.thinkingAfter !== null && item.seq! > this.thinkingAfter)
      ) {
        this.thinkingAfter = null;
        this.showTyping(null);
      }
    }
    if (live) {
      this.renderChips();
      if (stick || item.author === "visitor") this.scrollToEnd();
      this.markRead();
      this.renderBadge();
    }
  }

  /** Put an item's (new) element at its place in the log. */
  private place(item: Item): void {
    const el = renderMessage(item, this.context());
    const old = this.nodes.get(item.key);
    if (old) old.remove();
    const next = this.thread.items[this.thread.items.indexOf(item) + 1];
    const before = next ? this.nodes.get(next.key) : undefined;
    this.ui.log.insertBefore(el, before && before.parentNode === this.ui.log ? before : null);
    this.nodes.set(item.key, el);
  }

  private context(): MessageContext {
    return {
      i18n: this.i18n,
      botName: (this.bot && this.bot.name) || this.memory.data.bot_name || this.i18n.t("assistant"),
      operatorFallback: this.state.operator ? this.state.operator.name : "",
      botMode: this.state.mode === "bot",
      rated: this.memory.data.rated,
      choose: (choice) => this.choose(choice),
      retry: (item) => this.retrySend(item),
      rate: (item, useful) => void this.rate(item, useful),
    };
  }

  private send(text: string): void {
    text = text.trim();
    if (!text) return;
    this.enqueue({ client_id: newClientId(), text, ts: new Date().toISOString() });
  }

  private choose(choice: Choice): void {
    this.enqueue({
      client_id: newClientId(),
      text: choice.title,
      ts: new Date().toISOString(),
      entry_id: choice.entry_id,
    });
  }

  private enqueue(record: PendingRecord): void {
    if (this.phase === "idle" || this.phase === "forgotten") this.connect();
    this.place(this.outbox.add(record));
    this.renderChips();
    this.scrollToEnd();
  }

  /** The desk stored a message this tab sent: show it, and the bot "typing" its answer. */
  private onAcked(message: ServerMessage): void {
    this.merge(message);
    const seq = message.seq;
    const answered = this.thread.items.some(
      (i) => i.author === "bot" && i.seq !== null && i.seq > seq,
    );
    if (this.state.mode === "bot" && this.bot && !answered) {
      this.thinkingAfter = seq;
      this.showTyping(this.context().botName);
      this.later("thinking", 10_000, () => {
        this.thinkingAfter = null;
        this.showTyping(null);
      });
    }
  }

  private retrySend(item: Item): void {
    this.ui.input.focus();
    this.outbox.retry(item);
    if (this.phase !== "ready") this.connect();
  }

  private async rate(item: Item, useful: boolean): Promise<void> {
    const id = item.message && item.message.id;
    if (!id) return;
    const before = this.memory.data.rated[id];
    this.memory.update({ rated: { ...this.memory.data.rated, [id]: useful } });
    this.place(item);
    this.nodes
      .get(item.key)
      ?.querySelector<HTMLElement>(`.rate[aria-pressed="true"]`)
      ?.focus({ preventScroll: true });
    const ack = await this.request("feedback", { message_id: id, useful });
    if (ack === null) {
      const rated = { ...this.memory.data.rated };
      if (before === undefined) delete rated[id];
      else rated[id] = before;
      this.memory.update({ rated });
      this.place(item);
    }
  }

  /** Call `event`; show a notice and return null when it fails. */
  private async request<T>(event: string, payload: unknown): Promise<({ ok: true } & T) | null> {
    let ack: Ack<T>;
    try {
      ack = await this.link.call<T>(event, payload);
    } catch {
      this.notify(this.i18n.t("not_connected"));
      return null;
    }
    if (ack && ack.ok) return ack;
    this.notify(this.i18n.t("error"));
    return null;
  }

  // ---- escalation ----

  private async escalate(): Promise<void> {
    if (this.phase !== "ready") {
      this.connect();
      this.notify(this.i18n.t("not_connected"));
      return;
    }
    let ack: Ack<{ state?: unknown }>;
    try {
      ack = await this.link.call("escalate", {});
    } catch {
      this.notify(this.i18n.t("not_connected"));
      return;
    }
    if (ack === undefined) {
      // A desk without the `escalate` event: ask in words, which its bot understands.
      this.send(this.i18n.t("person_request"));
    } else if (ack.ok) {
      if (ack.state) this.applyState(readState(ack.state));
    } else {
      this.notify(this.i18n.t("error"));
    }
  }

  private applyState(state: ConversationState): void {
    const modeChanged = state.mode !== this.state.mode;
    this.state = state;
    if (state.mode !== "bot") this.thinkingAfter = null;
    if (modeChanged) {
      for (const item of this.thread.items) this.place(item); // choices follow the mode
    }
    if (!state.rating_requested) this.ratingDone = false;
    this.renderHeader();
    this.renderCards();
    this.renderChips();
  }

  private async submitContact(details: ContactDetails): Promise<string | null> {
    let ack: Ack<{ state?: unknown }>;
    try {
      ack = await this.link.call("contact", details);
    } catch {
      return this.i18n.t("not_connected");
    }
    if (!ack) return this.i18n.t("error");
    if (!ack.ok) {
      const badEmail = ack.error.code === "invalid_email" || /e-?mail/i.test(ack.error.message);
      return badEmail ? this.i18n.t("email_invalid") : errorText(this.i18n, ack.error);
    }
    this.contactDone = details.email;
    this.contactEl = null;
    this.hideScreen();
    if (ack.state) this.applyState(readState(ack.state));
    else this.renderCards();
    return null;
  }

  private async submitRating(value: RatingValue): Promise<string | null> {
    let ack: Ack;
    try {
      ack = await this.link.call("rate", value);
    } catch {
      return this.i18n.t("not_connected");
    }
    if (!ack || !ack.ok) return this.i18n.t("error");
    this.ratingDone = true;
    this.ratingEl = null;
    this.renderCards();
    return null;
  }

  // ---- forget me ----

  private askForget(): void {
    this.toggleOptions(false);
    fill(
      this.ui.screen,
      forgetScreen(
        this.i18n,
        () => void this.forget(),
        () => this.hideScreen(),
      ),
    );
    this.ui.screen.hidden = false;
    this.ui.screen.querySelector("button")?.focus();
  }

  private async forget(): Promise<void> {
    if (this.token !== null) {
      const error = this.ui.screen.querySelector(".form-error");
      try {
        const ack = await this.link.call("forget", {});
        if (!ack || !ack.ok) throw new Error("refused");
      } catch {
        if (error) error.textContent = this.i18n.t("not_connected");
        return;
      }
    }
    this.wipe();
  }

  /** Forget everything here (after "Forget me", in this tab or another). */
  private wipe(): void {
    if (this.phase === "forgotten") return;
    this.wanted = false;
    this.phase = "forgotten";
    this.link.stop();
    this.memory.clear();
    this.token = null;
    this.resetConversation();
    for (const item of [...this.thread.items]) this.nodes.get(item.key)?.remove();
    this.thread.clear();
    this.nodes.clear();
    fill(this.ui.log);
    this.bot = null;
    this.state = readState(null);
    this.renderAll();
    fill(
      this.ui.screen,
      forgottenScreen(this.i18n, () => this.startOver()),
    );
    this.ui.screen.hidden = false;
    if (this.isOpen) this.ui.screen.querySelector("button")?.focus();
  }

  private startOver(): void {
    this.hideScreen();
    this.memory.consent();
    this.connect();
  }

  private hideScreen(): void {
    this.ui.screen.hidden = true;
    this.ui.screen.classList.remove("sheet");
    fill(this.ui.screen);
    this.ui.input.focus();
  }

  /** Drop the shown conversation (a new token); keep the messages not sent yet. */
  private resetConversation(): void {
    const unsent = this.thread.items.filter((i) => i.seq === null);
    this.thread.clear();
    this.nodes.clear();
    fill(this.ui.log);
    this.historyLoaded = false;
    this.contactDone = null;
    this.ratingDone = false;
    this.contactEl = this.ratingEl = null;
    for (const item of unsent) {
      if (!item.client_id) continue;
      const copy = this.thread.addPending(item.client_id, item.text, item.ts, item.entry_id);
      Object.assign(copy, { delivery: item.delivery, error: item.error });
      this.place(copy);
    }
  }

  private onStorage(data: Saved | null): void {
    if (data === null || data.token === null) {
      // Another tab said "Forget me".
      if (this.token !== null) this.wipe();
      return;
    }
    if (this.token !== null && data.token !== this.token && this.wanted) {
      // Two tabs started a conversation at once: follow the one kept in storage.
      this.resetConversation();
      this.link.restart();
    }
    this.renderBadge();
  }

  // ---- rendering ----

  /** (Re)build the frame, e.g. in another language; the conversation is drawn again. */
  private mount(): void {
    const old = this.ui;
    this.ui = buildShell(this.i18n, this.options.position);
    const ui = this.ui;
    if (old) {
      if (this.phase === "forgotten") {
        fill(
          ui.screen,
          forgottenScreen(this.i18n, () => this.startOver()),
        );
        ui.screen.hidden = false;
      }
      ui.input.value = old.input.value;
      old.root.replaceWith(ui.root);
    } else {
      this.host.appendChild(ui.root);
    }
    this.nodes.clear();
    this.contactEl = this.ratingEl = null;
    for (const item of this.thread.items) this.place(item);
    ui.launcher.addEventListener("click", () => this.toggle());
    ui.close.addEventListener("click", () => this.close());
    ui.person.addEventListener("click", () => void this.escalate());
    ui.optionsButton.addEventListener("click", () =>
      this.toggleOptions(ui.options.hidden !== false),
    );
    ui.lang.addEventListener("change", () => this.setLanguage(ui.lang.value));
    ui.forget.addEventListener("click", () => this.askForget());
    ui.panel.addEventListener("keydown", (event) => this.onKey(event));
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send(ui.input.value);
      ui.input.value = "";
      this.autosize();
      this.sendTyping(false);
      ui.input.focus();
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.input.addEventListener("input", () => {
      this.autosize();
      this.sendTyping(ui.input.value.trim() !== "");
    });
    this.renderAll();
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "Tab" && NARROW.matches) {
      this.keepFocusInside(event);
      return;
    }
    if (event.key !== "Escape") return;
    event.stopPropagation();
    if (!this.ui.options.hidden) {
      this.toggleOptions(false);
      this.ui.optionsButton.focus();
    } else if (!this.ui.screen.hidden && this.phase !== "forgotten") {
      this.hideScreen();
    } else {
      this.close();
    }
  }

  /** Full screen, the panel is modal: Tab cycles inside it instead of reaching the page. */
  private keepFocusInside(event: KeyboardEvent): void {
    const focusable = Array.from(
      this.ui.panel.querySelectorAll<HTMLElement>("button, input, select, textarea, a[href]"),
    ).filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const current = this.host.activeElement;
    if (event.shiftKey && current === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && current === last) {
      event.preventDefault();
      first.focus();
    }
  }

  private toggleOptions(show: boolean): void {
    this.ui.options.hidden = !show;
    this.ui.optionsButton.setAttribute("aria-expanded", String(show));
    this.ui.optionsButton.setAttribute(
      "aria-label",
      this.i18n.t(show ? "close_options" : "options"),
    );
  }

  private renderAll(): void {
    this.renderHeader();
    this.renderIntro();
    this.renderBanner();
    this.renderTyping();
    this.renderCards();
    this.renderChips();
    this.renderBadge();
  }

  private renderHeader(): void {
    const { i18n, ui, desk } = this;
    const name = desk ? desk.name : i18n.t("support");
    ui.title.textContent = name;
    ui.panel.setAttribute("aria-label", i18n.t("chat_with", { name }));
    let status: string;
    let kind: string;
    if (this.state.mode === "live" && this.state.operator) {
      status = i18n.t("status_live", { name: this.state.operator.name });
      kind = "online";
    } else if (!desk) {
      status = this.phase === "forgotten" ? "" : i18n.t("connecting");
      kind = "connecting";
    } else if (desk.status === "online") {
      status = i18n.t("status_online");
      kind = "online";
    } else if (desk.status === "closed" && desk.next_open) {
      status = i18n.t("status_closed", { when: i18n.when(desk.next_open) });
      kind = "closed";
    } else {
      status = i18n.t("status_away", {
        duration: i18n.duration(desk.reply_within_seconds || 86_400),
      });
      kind = "away";
    }
    ui.status.textContent = status;
    ui.status.dataset.status = kind;
    ui.person.hidden = !(this.state.mode === "bot" || this.state.mode === "closed");
  }

  private renderIntro(): void {
    const bot = this.bot;
    if (this.phase === "forgotten" || (this.phase !== "ready" && this.thread.items.length === 0)) {
      fill(this.ui.intro);
      return;
    }
    const author = bot ? bot.name : this.desk ? this.desk.name : this.i18n.t("support");
    fill(
      this.ui.intro,
      h(
        "div",
        { class: "msg msg-bot msg-intro" },
        h("p", { class: "meta" }, h("span", { class: "author" }, author)),
        h("div", { class: "bubble" }, h("p", null, bot ? bot.greeting : this.i18n.t("welcome"))),
      ),
    );
  }

  private renderChips(): void {
    const chips: Node[] = [];
    if (this.state.mode === "bot" && this.phase === "ready" && this.historyLoaded) {
      const ctx = this.context();
      const saidSomething = this.thread.items.some((i) => i.author === "visitor");
      const last = this.thread.items[this.thread.items.length - 1];
      if (!saidSomething && this.bot && this.bot.starters.length) {
        chips.push(choices(this.bot.starters, this.i18n.t("suggestions"), ctx));
      } else if (last && last.author === "bot" && last.message) {
        const m = last.message;
        if (m.kind === "answer" && Array.isArray(m.follow_ups) && m.follow_ups.length) {
          chips.push(choices(m.follow_ups, this.i18n.t("quick_replies"), ctx));
        }
        if (m.offer_person) {
          chips.push(
            h(
              "button",
              { type: "button", class: "chip strong", onclick: () => void this.escalate() },
              this.i18n.t("talk_to_person"),
            ),
          );
        }
      }
    }
    // The chips take room from the messages: keep the latest in view.
    const stick = this.nearEnd();
    fill(this.ui.chips, ...chips);
    if (stick) this.scrollToEnd();
  }

  /** The conversation's state, pinned under the header: queue, ticket, reply time. */
  private renderStrip(): void {
    const { i18n, state } = this;
    const lines = this.phase === "forgotten" ? null : stateLines(state, i18n);
    const parts: Node[] = [];
    if (lines) {
      if (this.contactDone) lines.push(i18n.t("contact_thanks", { email: this.contactDone }));
      parts.push(h("div", { role: "status" }, ...lines.map((line) => h("p", null, line))));
      if (state.mode === "waiting" && state.offline_form && !this.contactDone) {
        parts.push(
          h(
            "button",
            { type: "button", class: "primary", onclick: () => this.openContact() },
            i18n.t("contact_open"),
          ),
        );
      }
    }
    fill(this.ui.strip, ...parts);
  }

  /** The offline form, over the conversation (it is long; the messages stay underneath). */
  private openContact(): void {
    const { i18n, state } = this;
    if (!this.contactEl) {
      const first = this.thread.items.find((i) => i.author === "visitor");
      const subject = (state.ticket && state.ticket.subject) || (first ? first.text : "");
      this.contactEl = contactForm(i18n, subject, (d) => this.submitContact(d));
    }
    fill(
      this.ui.screen,
      sheet(i18n.t("contact_title"), i18n.t("cancel"), this.contactEl, () => this.hideScreen()),
    );
    this.ui.screen.classList.add("sheet");
    this.ui.screen.hidden = false;
    this.contactEl.querySelector("input")?.focus();
  }

  /** The rating form, after the conversation, at the end of the messages. */
  private renderCards(): void {
    const { i18n, state } = this;
    const cards: Node[] = [];
    if (this.ratingDone) {
      cards.push(h("p", { class: "card done", role: "status" }, i18n.t("rating_thanks")));
    } else if (state.mode === "closed" && state.rating_requested && this.phase !== "forgotten") {
      this.ratingEl = this.ratingEl || ratingForm(i18n, (v) => this.submitRating(v));
      cards.push(this.ratingEl);
    }
    // A form that stays is not re-inserted: that would take the focus from the visitor.
    const stick = this.nearEnd();
    sync(this.ui.cards, cards);
    if (stick) this.scrollToEnd();
    this.renderStrip();
  }

  private renderBanner(): void {
    const { ui } = this;
    let text = "";
    if (this.wanted && !this.navigatorOnline()) text = this.i18n.t("offline");
    else if (this.wanted && this.phase === "lost") text = this.i18n.t("reconnecting");
    ui.banner.textContent = text;
    ui.banner.hidden = !text;
  }

  private showTyping(who: string | null): void {
    this.typingFrom = who;
    this.renderTyping();
    if (who) this.later("typing", 15_000, () => this.showTyping(null));
    else this.clearTimer("typing");
  }

  private renderTyping(): void {
    const who = this.typingFrom;
    this.ui.typing.hidden = !who;
    fill(
      this.ui.typing,
      who ? h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")) : null,
      who ? this.i18n.t("typing", { name: who }) : null,
    );
    if (who && this.nearEnd()) this.scrollToEnd();
  }

  private operatorLabel(): string {
    return this.state.operator ? this.state.operator.name : this.i18n.t("operator");
  }

  private unread(): number {
    const read = this.memory.data.read_seq;
    return this.thread.items.filter(
      (i) => i.seq !== null && i.seq > read && (i.author === "bot" || i.author === "operator"),
    ).length;
  }

  private markRead(): void {
    if (
      this.isOpen &&
      document.visibilityState === "visible" &&
      this.thread.maxSeq > this.memory.data.read_seq
    ) {
      this.memory.update({ read_seq: this.thread.maxSeq });
    }
    this.renderBadge();
  }

  private renderBadge(): void {
    const n = this.isOpen ? 0 : this.unread();
    this.ui.badge.hidden = n === 0;
    this.ui.badge.textContent = n > 9 ? "9+" : String(n);
    const label = this.i18n.t(this.isOpen ? "close_chat" : "open_chat");
    this.ui.launcher.setAttribute(
      "aria-label",
      n ? `${label} (${this.i18n.count("unread", n)})` : label,
    );
  }

  private notify(text: string): void {
    this.ui.notice.textContent = text;
    this.later("notice", 6_000, () => (this.ui.notice.textContent = ""));
  }

  private sendTyping(on: boolean): void {
    const now = Date.now();
    if (on) {
      // At most every 3 s while typing; "off" after 5 s without a keystroke.
      if (now - this.typingSent > 3_000) {
        this.typingSent = now;
        this.link.send("typing", { on: true });
      }
      this.later("typing-off", 5_000, () => this.sendTyping(false));
    } else if (this.typingSent) {
      this.typingSent = 0;
      this.clearTimer("typing-off");
      this.link.send("typing", { on: false });
    }
  }

  private autosize(): void {
    const input = this.ui.input;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }

  private nearEnd(): boolean {
    const s = this.ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  private scrollToEnd(): void {
    const s = this.ui.scroller;
    s.scrollTop = s.scrollHeight;
  }

  private later(name: string, ms: number, fn: () => void): void {
    this.clearTimer(name);
    this.timers[name] = window.setTimeout(() => {
      delete this.timers[name];
      fn();
    }, ms);
  }

  private clearTimer(name: string): void {
    if (name in this.timers) {
      clearTimeout(this.timers[name]);
      delete this.timers[name];
    }
  }
}

function errorText(i18n: I18n, error: ErrorInfo): string {
  return error.code === "rate_limited" || error.code === "store_unavailable"
    ? i18n.t("not_connected")
    : i18n.t("error");
}
