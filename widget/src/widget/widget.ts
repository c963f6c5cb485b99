// The widget, put together: one store holds the state; the session (connection), the outbox
// and the controller (the visitor's requests) change it; the views draw it into the frame and
// know nothing else. No part imports this file: it only wires them.

import { Alerts } from "./alerts";
import { Controller } from "./controller";
import { browserLang, i18nFor, Lang } from "./i18n";
import { Intents } from "./intents";
import { Outbox } from "./outbox";
import { LangSource } from "./protocol";
import { Session } from "./session";
import { buildShell, Shell } from "./shell";
import { Action, initialState, reduce, WidgetState } from "./state";
import { Memory } from "./storage";
import { Store } from "./store";
import { Timers } from "./timers";
import { composerView } from "./views/composer";
import { Render, ViewContext } from "./views/context";
import { headerView } from "./views/header";
import { logView } from "./views/log";
import { noticesView } from "./views/notices";
import { panelView } from "./views/panel";
import { screenView } from "./views/screen";
import { scrollView } from "./views/scroll";
import { stripView } from "./views/strip";

export interface Options {
  desk: URL; // where widget.js came from: the desk's base URL
  siteLang: Lang | null; // the embedding script's data-lang
  position: "left" | "right";
  sound: boolean; // the snippet's data-sound="off" turns the tone off
}

/** The language, in order: the site's data-lang, the visitor's own choice, the browser's. */
export function pickLang(site: Lang | null, chosen: Lang | null): [Lang, LangSource] {
  if (site) return [site, "site"];
  if (chosen) return [chosen, "visitor"];
  return [browserLang() || "en", "browser"];
}

export class Widget {
  private readonly store: Store<WidgetState, Action>;
  private readonly controller: Controller;
  private readonly intents: Intents;
  private ui!: Shell;
  private views: Render[] = [];

  constructor(
    private readonly host: ShadowRoot,
    private readonly options: Options,
    css: string,
  ) {
    const memory = new Memory(options.desk.origin);
    const [lang, source] = pickLang(options.siteLang, memory.data.lang);
    const store = (this.store = new Store(reduce, initialState(lang, source, memory.data)));
    const timers = new Timers();
    const session: Session = new Session(store, options.desk, timers, {
      forgotten: () => this.controller.wipe(),
      ready: () => void outbox.flush(),
    });
    const outbox = new Outbox(store, session.link, () =>
      timers.later("flush", 3_000, () => void outbox.flush()),
    );
    this.controller = new Controller(store, session, memory, timers, options.desk);
    this.intents = this.controller;
    adopt(host, css);
    // A returning visitor (consent given earlier) reconnects at once: unread replies show on
    // the launcher, and operators see the page they are on. The panel reopens as it was,
    // without taking the focus from the page.
    if (memory.consented && memory.data.token) {
      session.connect();
      if (memory.open) this.controller.open();
    }
    this.mount();
    const alerts = new Alerts(host, options.sound);
    store.subscribe((s, prev) => {
      memory.persist(s);
      if (s.lang !== prev.lang) {
        this.mount();
        window.dispatchEvent(new CustomEvent("chatdesk:lang", { detail: { lang: s.lang } }));
      } else {
        for (const view of this.views) view(s, prev);
      }
      // The bot "types" its answer for 10 s at most.
      if (s.thinkingAfter !== null && s.thinkingAfter !== prev.thinkingAfter) {
        timers.later("thinking", 10_000, () => store.dispatch({ type: "thinkingOver" }));
      }
      this.controller.markRead();
      alerts.update(this.store.state, i18nFor(this.store.state.lang));
    });
    memory.watch((kept) => session.onStorage(kept));
    window.addEventListener("online", () => session.onNetwork());
    window.addEventListener("offline", () => session.onNetwork());
    document.addEventListener("visibilitychange", () => {
      this.controller.markRead();
      alerts.update(this.store.state, i18nFor(this.store.state.lang));
    });
  }

  get lang(): Lang {
    return this.store.state.lang;
  }

  open(): void {
    this.controller.open();
  }

  close(): void {
    this.controller.close();
  }

  toggle(): void {
    this.controller.toggle();
  }

  setLanguage(tag: string): void {
    this.controller.setLanguage(tag);
  }

  prompt(text: string): void {
    this.controller.prompt(text);
  }

  /** (Re)build the frame in the state's language, and draw the state into it. */
  private mount(): void {
    const state = this.store.state;
    const old = this.ui;
    // Changed in the options menu: the focus stays on the language select.
    const langFocused = old !== undefined && state.options;
    const ui = (this.ui = buildShell(i18nFor(state.lang), this.options.position));
    if (old) {
      ui.input.value = old.input.value;
      old.root.replaceWith(ui.root);
    } else {
      this.host.appendChild(ui.root);
    }
    const ctx: ViewContext = {
      ui,
      i18n: i18nFor(state.lang),
      intents: this.intents,
      host: this.host,
      desk: this.options.desk,
    };
    this.views = [
      panelView(ctx),
      headerView(ctx),
      noticesView(ctx),
      stripView(ctx),
      logView(ctx),
      screenView(ctx),
      composerView(ctx),
      scrollView(ctx), // last: it keeps the end in view after the others drew
    ];
    for (const view of this.views) view(state, null);
    if (langFocused) ui.lang.focus();
  }
}

/** A constructed stylesheet is not inline style: pages whose CSP forbids those still work. */
function adopt(host: ShadowRoot, css: string): void {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    host.adoptedStyleSheets = [sheet];
  } catch {
    const style = document.createElement("style");
    style.textContent = css;
    host.appendChild(style);
  }
}
