// The widget: the state its parts share, the frame they draw into, and window.chatdesk's API.
// Each part does one job and reaches the others through this object: lifecycle.ts (connection
// and session), messages.ts (the log), escalation.ts (states and their forms), view.ts (header,
// greeting, banner, chips), typing.ts, composer.ts, panel.ts (open/close, badge, keyboard)
// and menu.ts (language, Forget me).

import { Composer } from "./composer";
import { Link } from "./connection";
import { Escalation } from "./escalation";
import { I18n, Lang } from "./i18n";
import { Lifecycle } from "./lifecycle";
import { Menu } from "./menu";
import { Messages } from "./messages";
import { Outbox } from "./outbox";
import { Panel } from "./panel";
import { BotIntro, ConversationState, Desk, readState } from "./protocol";
import { buildShell, Shell } from "./shell";
import { Memory } from "./storage";
import { Thread } from "./thread";
import { Timers } from "./timers";
import { Typing } from "./typing";
import { View } from "./view";

export interface Options {
  desk: URL; // where widget.js came from: the desk's base URL
  lang: Lang; // from data-lang, the page's <html lang>, or the browser
  position: "left" | "right";
}

export type Phase = "idle" | "connecting" | "ready" | "lost" | "forgotten";

export class Widget {
  readonly memory: Memory;
  readonly link: Link;
  readonly thread = new Thread();
  readonly outbox: Outbox;
  readonly timers = new Timers();
  i18n: I18n;
  ui!: Shell;
  phase: Phase = "idle";
  wanted = false; // the visitor gave consent: stay connected
  isOpen = false;
  historyLoaded = false;
  token: string | null = null; // the token of the current session
  bot: BotIntro | null = null;
  desk: Desk | null = null;
  state: ConversationState = readState(null);

  readonly lifecycle = new Lifecycle(this);
  readonly messages = new Messages(this);
  readonly escalation = new Escalation(this);
  readonly view = new View(this);
  readonly typing = new Typing(this);
  readonly composer = new Composer(this);
  readonly panel = new Panel(this);
  readonly menu = new Menu(this);

  constructor(
    readonly host: ShadowRoot,
    readonly options: Options,
    css: string,
  ) {
    this.memory = new Memory(options.desk.origin);
    this.i18n = new I18n(this.memory.data.lang || options.lang);
    const path = `${options.desk.pathname.replace(/\/$/, "")}/socket.io`;
    const life = this.lifecycle;
    this.link = new Link(new URL("visitor", options.desk).href, path, () => life.auth(), {
      connected: () => life.onConnected(),
      disconnected: (reason, willRetry) => life.onDisconnected(reason, willRetry),
      refused: (reason) => life.onRefused(reason),
      event: (name, payload) => life.onEvent(name, payload),
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
      acked: (message) => this.messages.onAcked(message),
      changed: (item) => this.messages.place(item),
      retryLater: () => this.timers.later("flush", 3_000, () => void this.outbox.flush()),
    });
    this.outbox.restore();
    this.mount();
    this.memory.watch((data) => life.onStorage(data));
    window.addEventListener("online", () => life.onNetwork(true));
    window.addEventListener("offline", () => life.onNetwork(false));
    document.addEventListener("visibilitychange", () => this.panel.markRead());
    // A returning visitor (consent given earlier) reconnects at once: unread replies show on
    // the launcher, and operators see the page they are on.
    if (this.memory.consented && this.memory.data.token) {
      life.connect();
      if (this.memory.open) this.panel.open(false);
    }
  }

  // ---- public API (window.chatdesk) ----

  open(focus = true): void {
    this.panel.open(focus);
  }

  close(): void {
    this.panel.close();
  }

  toggle(): void {
    this.panel.toggle();
  }

  setLanguage(tag: string): void {
    this.menu.setLanguage(tag);
  }

  /** (Re)build the frame, e.g. in another language; the conversation is drawn again. */
  mount(): void {
    const old = this.ui;
    this.ui = buildShell(this.i18n, this.options.position);
    const ui = this.ui;
    if (old) {
      if (this.phase === "forgotten") this.menu.showForgotten();
      ui.input.value = old.input.value;
      old.root.replaceWith(ui.root);
    } else {
      this.host.appendChild(ui.root);
    }
    this.escalation.dropForms();
    this.messages.remount();
    ui.launcher.addEventListener("click", () => this.panel.toggle());
    ui.close.addEventListener("click", () => this.panel.close());
    ui.person.addEventListener("click", () => void this.escalation.escalate());
    ui.optionsButton.addEventListener("click", () => this.menu.toggle(ui.options.hidden !== false));
    ui.lang.addEventListener("change", () => this.menu.setLanguage(ui.lang.value));
    ui.forget.addEventListener("click", () => this.menu.askForget());
    ui.panel.addEventListener("keydown", (event) => this.panel.onKey(event));
    this.composer.wire(ui);
    this.view.renderAll();
  }
}
