// The conversation's life over an unreliable connection: connecting (with the latest token,
// seq and language), sessions and history, refusals and retries, the browser going offline,
// the desk's events, and other tabs sharing the same storage. It turns what happens into
// actions on the store.

import { Link } from "./connection";
import { toLang } from "./i18n";
import {
  isMessage,
  LangChange,
  readBot,
  readDesk,
  readNotices,
  readState,
  ServerMessage,
  Session as SessionPayload,
  VisitorAuth,
} from "./protocol";
import { Action, Kept, WidgetState } from "./state";
import { Store } from "./store";
import { maxSeq } from "./thread";
import { Timers } from "./timers";

const HISTORY_PAGE = 200;

export interface SessionHooks {
  /** The desk (or another tab) forgot this visitor: wipe everything here. */
  forgotten(): void;
  /** A session is open and the conversation read: send what waits. */
  ready(): void;
}

export class Session {
  readonly link: Link;
  private retryDelay = 1_000;

  constructor(
    private readonly store: Store<WidgetState, Action>,
    private readonly desk: URL,
    private readonly timers: Timers,
    private readonly hooks: SessionHooks,
  ) {
    const path = `${desk.pathname.replace(/\/$/, "")}/socket.io`;
    this.link = new Link(new URL("visitor", desk).href, path, () => this.auth(), {
      connected: () => (this.retryDelay = 1_000),
      disconnected: (reason, willRetry) => this.onDisconnected(reason, willRetry),
      refused: (reason) => this.onRefused(reason),
      event: (name, payload) => this.onEvent(name, payload),
    });
  }

  /** The connection's `auth`, evaluated at every (re)connection. */
  auth(): VisitorAuth {
    const s = this.store.state;
    const auth: VisitorAuth = {
      lang: s.lang,
      lang_source: s.langSource,
      page: location.href.slice(0, 2048),
    };
    if (s.token) auth.token = s.token;
    // Replay what was missed while away; the first connection of a page reads history instead.
    if (s.historyLoaded) auth.since = maxSeq(s.items);
    return auth;
  }

  /** Connect, and stay connected from now on (the visitor consented). */
  connect(): void {
    this.store.dispatch({ type: "connect" });
    if (this.online()) this.link.start();
  }

  /** Whether the desk can be reached: as engine.io does, one on localhost always can. */
  online(): boolean {
    return navigator.onLine || this.desk.hostname === "localhost";
  }

  onNetwork(): void {
    const online = this.online();
    this.store.dispatch({ type: "network", online });
    if (!this.store.state.wanted || this.desk.hostname === "localhost") return;
    if (online) this.link.restart();
    else this.link.stop();
  }

  private onDisconnected(reason: string, willRetry: boolean): void {
    const s = this.store.state;
    if (s.phase === "forgotten" || s.phase === "blocked" || !s.wanted) return;
    this.store.dispatch({ type: "lost" });
    this.timers.later("banner", 1_500, () => this.store.dispatch({ type: "lostBanner" }));
    // The server closed us (a restart...): socket.io will not come back by itself.
    if (!willRetry && reason === "io server disconnect") this.retry();
  }

  private onRefused(reason: string): void {
    if (reason === "blocked") {
      this.blocked();
      return;
    }
    if (reason === "invalid_token") {
      // Forgotten, or another desk's token: start afresh; unsent messages go to the new one.
      this.store.dispatch({ type: "invalidToken" });
      this.link.start();
      return;
    }
    this.store.dispatch({ type: "lost" });
    this.store.dispatch({ type: "lostBanner" });
    this.retry();
  }

  /** An operator blocked this visitor: stop connecting (docs/widget.md). */
  private blocked(): void {
    this.link.stop();
    this.store.dispatch({ type: "blocked" });
  }

  private retry(): void {
    this.timers.later("reconnect", this.retryDelay, () => {
      if (this.store.state.wanted && this.online()) this.link.start();
    });
    this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
  }

  private onEvent(name: string, payload: unknown): void {
    const { store } = this;
    switch (name) {
      case "session":
        void this.onSession(payload as SessionPayload);
        break;
      case "message":
        if (isMessage(payload)) store.dispatch({ type: "message", message: payload });
        break;
      case "read": {
        const seen = payload as { seq?: unknown } | null;
        if (seen && typeof seen.seq === "number") store.dispatch({ type: "seen", seq: seen.seq });
        break;
      }
      case "typing": {
        const p = payload as { author?: string; on?: boolean } | null;
        if (p && p.author === "operator") {
          store.dispatch({ type: "typing", who: p.on ? "operator" : null });
          // A typing event that never ends fades after 15 s.
          if (p.on) this.timers.later("typing", 15_000, () => this.stopTyping());
        }
        break;
      }
      case "state":
        store.dispatch({ type: "state", conv: readState(payload) });
        break;
      case "desk": {
        const desk = readDesk(payload);
        if (desk) store.dispatch({ type: "desk", desk });
        break;
      }
      case "lang": {
        const change = payload as LangChange | null;
        const lang = toLang(change && change.lang);
        if (lang) store.dispatch({ type: "lang", lang, bot: readBot(change && change.bot) });
        break;
      }
      case "escalated": {
        // Until the desk sends the new state, show the likely one (what a reconnection
        // would report): queued while someone is online, otherwise a waiting ticket.
        const s = store.state;
        if (s.conv.mode === "bot") {
          const online = s.desk !== null && s.desk.status === "online";
          const conv = readState({ mode: online ? "queued" : "waiting", offline_form: !online });
          store.dispatch({ type: "state", conv });
        }
        break;
      }
      case "notices": {
        const notices = readNotices((payload as { notices?: unknown } | null)?.notices);
        if (notices.length) store.dispatch({ type: "notices", notices, replace: false });
        break;
      }
      case "forgotten":
        this.hooks.forgotten();
        break;
      case "blocked":
        this.blocked();
        break;
    }
  }

  private stopTyping(): void {
    if (this.store.state.typing === "operator") this.store.dispatch({ type: "typing", who: null });
  }

  private async onSession(session: SessionPayload): Promise<void> {
    if (!session || typeof session.token !== "string") return;
    this.timers.clear("banner");
    this.store.dispatch({
      type: "session",
      token: session.token,
      bot: readBot(session.bot),
      desk: readDesk(session.desk),
      conv: readState(session.state, session.mode),
      lang: toLang(session.lang),
    });
    this.store.dispatch({ type: "notices", notices: readNotices(session.notices), replace: true });
    if (typeof session.read_seq === "number") {
      this.store.dispatch({ type: "seen", seq: session.read_seq });
    }
    if (!this.store.state.historyLoaded) await this.loadHistory();
    this.hooks.ready();
  }

  private async loadHistory(): Promise<void> {
    let since = 0;
    try {
      for (;;) {
        const ack = await this.link.call<{ messages: ServerMessage[]; more: boolean }>("history", {
          since,
          limit: HISTORY_PAGE,
        });
        if (!ack || !ack.ok) break;
        const messages = ack.messages.filter(isMessage);
        this.store.dispatch({ type: "messages", messages });
        if (!ack.more || messages.length === 0) {
          this.store.dispatch({ type: "historyLoaded" });
          break;
        }
        since = messages[messages.length - 1].seq;
      }
    } catch {
      // disconnected while reading: the next session reads it again
    }
  }

  /** Another tab changed the shared storage (null: it was cleared). */
  onStorage(kept: Kept | null): void {
    const s = this.store.state;
    if (kept === null || kept.token === null) {
      // Another tab said "Forget me".
      if (s.sessionToken !== null) this.hooks.forgotten();
      return;
    }
    this.store.dispatch({ type: "stored", kept });
    if (s.sessionToken !== null && kept.token !== s.sessionToken && s.wanted) {
      // Two tabs started a conversation at once: follow the one kept in storage.
      this.store.dispatch({ type: "newToken" });
      this.link.restart();
    }
  }
}
