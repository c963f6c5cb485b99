// The conversation in the log: merging what the desk stored, drawing each message at its
// place, and what the visitor does to messages (write, choose, retry, 👍/👎).

import { fill } from "./dom";
import { Ack, Choice, ServerMessage } from "./protocol";
import { MessageContext, renderMessage } from "./render";
import { PendingRecord } from "./storage";
import { Item, newClientId } from "./thread";
import type { Widget } from "./widget";

export class Messages {
  private readonly nodes = new Map<string, HTMLElement>(); // item key -> its element in the log

  constructor(private readonly w: Widget) {}

  /** Merge a stored message; `live` ones (not history) also update chips, scroll and badge. */
  merge(message: ServerMessage, live = true): void {
    const { w } = this;
    const stick = w.view.nearEnd();
    const merged = w.thread.addServer(message);
    if (!merged) return;
    const { item } = merged;
    if (item.client_id) w.outbox.drop(item.client_id);
    this.place(item);
    if (live) {
      w.typing.heard(item);
      w.view.renderChips();
      if (stick || item.author === "visitor") w.view.scrollToEnd();
      w.panel.markRead();
      w.panel.renderBadge();
    }
  }

  /** Put an item's (new) element at its place in the log. */
  place(item: Item): void {
    const { thread, ui } = this.w;
    const el = renderMessage(item, this.context());
    const old = this.nodes.get(item.key);
    if (old) old.remove();
    const next = thread.items[thread.items.indexOf(item) + 1];
    const before = next ? this.nodes.get(next.key) : undefined;
    ui.log.insertBefore(el, before && before.parentNode === ui.log ? before : null);
    this.nodes.set(item.key, el);
  }

  /** Draw every message again (the mode changed: choices are enabled or not). */
  redraw(): void {
    for (const item of this.w.thread.items) this.place(item);
  }

  /** Draw every message into a new, empty log (a new frame). */
  remount(): void {
    this.nodes.clear();
    this.redraw();
  }

  /** Drop the shown conversation (a new token); keep the messages not sent yet. */
  reset(): void {
    const { thread, ui } = this.w;
    const unsent = thread.items.filter((i) => i.seq === null);
    thread.clear();
    this.nodes.clear();
    fill(ui.log);
    for (const item of unsent) {
      if (!item.client_id) continue;
      const copy = thread.addPending(item.client_id, item.text, item.ts, item.entry_id);
      Object.assign(copy, { delivery: item.delivery, error: item.error });
      this.place(copy);
    }
  }

  /** Drop every message, unsent ones too (Forget me). */
  clear(): void {
    const { thread, ui } = this.w;
    for (const item of [...thread.items]) this.nodes.get(item.key)?.remove();
    thread.clear();
    this.nodes.clear();
    fill(ui.log);
  }

  context(): MessageContext {
    const { w } = this;
    return {
      i18n: w.i18n,
      botName: (w.bot && w.bot.name) || w.memory.data.bot_name || w.i18n.t("assistant"),
      operatorFallback: w.state.operator ? w.state.operator.name : "",
      botMode: w.state.mode === "bot",
      rated: w.memory.data.rated,
      choose: (choice) => this.choose(choice),
      retry: (item) => this.retrySend(item),
      rate: (item, useful) => void this.rate(item, useful),
    };
  }

  send(text: string): void {
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
    const { w } = this;
    if (w.phase === "idle" || w.phase === "forgotten") w.lifecycle.connect();
    this.place(w.outbox.add(record));
    w.view.renderChips();
    w.view.scrollToEnd();
  }

  /** The desk stored a message this tab sent: show it, and the bot "typing" its answer. */
  onAcked(message: ServerMessage): void {
    const { w } = this;
    this.merge(message);
    const seq = message.seq;
    const answered = w.thread.items.some(
      (i) => i.author === "bot" && i.seq !== null && i.seq > seq,
    );
    if (w.state.mode === "bot" && w.bot && !answered) {
      w.typing.thinking(seq, this.context().botName);
    }
  }

  private retrySend(item: Item): void {
    const { w } = this;
    w.ui.input.focus();
    w.outbox.retry(item);
    if (w.phase !== "ready") w.lifecycle.connect();
  }

  /** 👍/👎 at once, remembered locally; undone when the desk does not take it. */
  private async rate(item: Item, useful: boolean): Promise<void> {
    const { memory } = this.w;
    const id = item.message && item.message.id;
    if (!id) return;
    const before = memory.data.rated[id];
    memory.update({ rated: { ...memory.data.rated, [id]: useful } });
    this.place(item);
    this.nodes
      .get(item.key)
      ?.querySelector<HTMLElement>(`.rate[aria-pressed="true"]`)
      ?.focus({ preventScroll: true });
    const ack = await this.request("feedback", { message_id: id, useful });
    if (ack === null) {
      const rated = { ...memory.data.rated };
      if (before === undefined) delete rated[id];
      else rated[id] = before;
      memory.update({ rated });
      this.place(item);
    }
  }

  /** Call `event`; show a notice and return null when it fails. */
  private async request<T>(event: string, payload: unknown): Promise<({ ok: true } & T) | null> {
    const { w } = this;
    let ack: Ack<T>;
    try {
      ack = await w.link.call<T>(event, payload);
    } catch {
      w.view.notify(w.i18n.t("not_connected"));
      return null;
    }
    if (ack && ack.ok) return ack;
    w.view.notify(w.i18n.t("error"));
    return null;
  }
}
