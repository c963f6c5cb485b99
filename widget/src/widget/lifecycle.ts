// The conversation's life over an unreliable connection: connecting (with the latest token,
// seq and language), sessions and history, refusals and retries, the browser going offline,
// the desk's events, and other tabs sharing the same storage.

import { isMessage, readDesk, readState, ServerMessage, Session } from "./protocol";
import { Saved } from "./storage";
import type { Widget } from "./widget";

const HISTORY_PAGE = 200;

export class Lifecycle {
  private retryDelay = 1_000;

  constructor(private readonly w: Widget) {}

  /** The connection's `auth`, evaluated at every (re)connection. */
  auth(): Record<string, unknown> {
    const { w } = this;
    const auth: Record<string, unknown> = {
      lang: w.i18n.lang,
      page: location.href.slice(0, 2048),
    };
    if (w.memory.data.token) auth.token = w.memory.data.token;
    // Replay what was missed while away; the first connection of a page reads history instead.
    if (w.historyLoaded) auth.since = w.thread.maxSeq;
    return auth;
  }

  /** Connect, and stay connected from now on (the visitor consented). */
  connect(): void {
    const { w } = this;
    w.wanted = true;
    if (w.phase === "idle" || w.phase === "forgotten") w.phase = "connecting";
    if (this.navigatorOnline()) w.link.start();
    w.view.renderHeader();
    w.view.renderBanner();
  }

  navigatorOnline(): boolean {
    // As engine.io does: a desk on localhost is reachable without a network.
    return navigator.onLine || this.w.options.desk.hostname === "localhost";
  }

  onNetwork(online: boolean): void {
    const { w } = this;
    if (!w.wanted || w.options.desk.hostname === "localhost") return;
    if (online) {
      w.link.restart();
    } else {
      w.link.stop();
      if (w.phase === "ready") w.phase = "lost";
    }
    w.view.renderBanner();
  }

  onConnected(): void {
    this.retryDelay = 1_000;
  }

  onDisconnected(reason: string, willRetry: boolean): void {
    const { w } = this;
    if (w.phase === "forgotten" || !w.wanted) return;
    w.phase = "lost";
    w.typing.reset();
    w.view.renderChips();
    w.timers.later("banner", 1_500, () => w.view.renderBanner());
    // The server closed us (a restart...): socket.io will not come back by itself.
    if (!willRetry && reason === "io server disconnect") this.retry();
  }

  onRefused(reason: string): void {
    const { w } = this;
    if (reason === "invalid_token") {
      // Forgotten, or another desk's token: start afresh; unsent messages go to the new one.
      w.memory.update({ token: null, read_seq: 0 });
      this.resetConversation();
      w.link.start();
      return;
    }
    w.phase = "lost";
    w.view.renderBanner();
    this.retry();
  }

  private retry(): void {
    const { w } = this;
    w.timers.later(
      "reconnect",
      this.retryDelay,
      () => w.wanted && this.navigatorOnline() && w.link.start(),
    );
    this.retryDelay = Math.min(this.retryDelay * 2, 30_000);
  }

  onEvent(name: string, payload: unknown): void {
    const { w } = this;
    switch (name) {
      case "session":
        void this.onSession(payload as Session);
        break;
      case "message":
        if (isMessage(payload)) w.messages.merge(payload);
        break;
      case "typing": {
        const p = payload as { author?: string; on?: boolean };
        if (p && p.author === "operator") w.typing.show(p.on ? w.typing.operatorLabel() : null);
        break;
      }
      case "state":
        w.escalation.applyState(readState(payload));
        break;
      case "desk":
        w.desk = readDesk(payload) || w.desk;
        w.view.renderHeader();
        break;
      case "escalated":
        // Until the desk sends the new state, show the likely one (what a reconnection
        // would report): queued while someone is online, otherwise a waiting ticket.
        if (w.state.mode === "bot") {
          const online = w.desk !== null && w.desk.status === "online";
          w.escalation.applyState(
            readState({ mode: online ? "queued" : "waiting", offline_form: !online }),
          );
        }
        break;
      case "forgotten":
        w.menu.wipe();
        break;
    }
  }

  private async onSession(session: Session): Promise<void> {
    const { w } = this;
    if (!session || typeof session.token !== "string") return;
    if (w.token !== null && w.token !== session.token) this.resetConversation();
    w.token = session.token;
    w.memory.update({ token: session.token });
    w.phase = "ready";
    w.bot = session.bot && typeof session.bot.greeting === "string" ? session.bot : null;
    if (w.bot) w.memory.update({ bot_name: w.bot.name });
    w.desk = readDesk(session.desk) || w.desk;
    w.escalation.applyState(readState(session.state, session.mode));
    w.timers.clear("banner");
    w.view.renderAll();
    if (!w.historyLoaded) await this.loadHistory();
    void w.outbox.flush();
  }

  private async loadHistory(): Promise<void> {
    const { w } = this;
    w.ui.log.setAttribute("aria-busy", "true");
    let since = 0;
    try {
      for (;;) {
        const ack = await w.link.call<{ messages: ServerMessage[]; more: boolean }>("history", {
          since,
          limit: HISTORY_PAGE,
        });
        if (!ack || !ack.ok) break;
        const messages = ack.messages.filter(isMessage);
        for (const message of messages) w.messages.merge(message, false);
        if (!ack.more || messages.length === 0) {
          w.historyLoaded = true;
          break;
        }
        since = messages[messages.length - 1].seq;
      }
    } catch {
      // disconnected while reading: the next session reads it again
    } finally {
      w.ui.log.removeAttribute("aria-busy");
    }
    w.view.renderChips();
    w.view.scrollToEnd();
    w.panel.markRead();
  }

  /** Drop the shown conversation (a new token); keep the messages not sent yet. */
  resetConversation(): void {
    this.w.historyLoaded = false;
    this.w.escalation.reset();
    this.w.messages.reset();
  }

  /** Another tab changed the shared storage. */
  onStorage(data: Saved | null): void {
    const { w } = this;
    if (data === null || data.token === null) {
      // Another tab said "Forget me".
      if (w.token !== null) w.menu.wipe();
      return;
    }
    if (w.token !== null && data.token !== w.token && w.wanted) {
      // Two tabs started a conversation at once: follow the one kept in storage.
      this.resetConversation();
      w.link.restart();
    }
    w.panel.renderBadge();
  }
}
