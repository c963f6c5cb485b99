// What the visitor sent and the desk has not acknowledged yet. Each message keeps its
// client_id for life, so sending it again (after a lost ack, a reconnection or a reload) is
// safe: the desk stores a client_id once. Kept in localStorage once the visitor consented.

import { Link } from "./connection";
import { Ack, isMessage, ServerMessage } from "./protocol";
import { Memory, PendingRecord } from "./storage";
import { Item, Thread } from "./thread";

// Errors after which sending the same message again may work.
const TRANSIENT = new Set(["rate_limited", "store_unavailable", "internal_error"]);
const MAX_ATTEMPTS = 5;

export interface OutboxHost {
  /** Whether a session is open (send now) or not (wait for the next one). */
  ready(): boolean;
  /** The desk acknowledged a message: merge it into the conversation. */
  acked(message: ServerMessage): void;
  /** An item's delivery changed: draw it again. */
  changed(item: Item): void;
  /** No answer in time: call `flush` again a little later. */
  retryLater(): void;
}

export class Outbox {
  private flushing = false;

  constructor(
    private readonly thread: Thread,
    private readonly memory: Memory,
    private readonly link: Link,
    private readonly host: OutboxHost,
  ) {}

  /** Show the messages a previous page left unsent (they go out at the next session). */
  restore(): void {
    for (const p of this.memory.data.pending) {
      this.thread.addPending(p.client_id, p.text, p.ts, p.entry_id || null);
    }
  }

  add(record: PendingRecord): Item {
    this.memory.update({ pending: [...this.memory.data.pending, record] });
    const item = this.thread.addPending(
      record.client_id,
      record.text,
      record.ts,
      record.entry_id || null,
    );
    void this.flush();
    return item;
  }

  /** Try a failed message again (the same client_id). */
  retry(item: Item): void {
    if (item.seq !== null || !item.client_id) return;
    item.delivery = "sending";
    item.error = null;
    const record: PendingRecord = { client_id: item.client_id, text: item.text, ts: item.ts };
    if (item.entry_id) record.entry_id = item.entry_id;
    this.memory.update({ pending: [...this.memory.data.pending, record] });
    this.host.changed(item);
    void this.flush();
  }

  /** Forget a pending message (the desk has it). */
  drop(clientId: string): void {
    const pending = this.memory.data.pending.filter((p) => p.client_id !== clientId);
    if (pending.length !== this.memory.data.pending.length) this.memory.update({ pending });
  }

  /** Send the unacknowledged messages in order, one at a time. Stops when the connection
   * goes; the next session calls it again. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    let attempts = 0;
    try {
      while (this.host.ready()) {
        const item = this.thread.items.find((i) => i.seq === null && i.delivery === "sending");
        if (!item) break;
        const payload = item.entry_id
          ? { entry_id: item.entry_id, client_id: item.client_id }
          : { client_id: item.client_id, text: item.text };
        let ack: Ack<{ message: ServerMessage }>;
        try {
          ack = await this.link.call(item.entry_id ? "choose" : "message", payload);
        } catch {
          // No answer in time, or the connection dropped: later, or at the next session.
          this.host.retryLater();
          break;
        }
        if (ack && ack.ok && isMessage(ack.message)) {
          attempts = 0;
          this.host.acked(ack.message);
          continue;
        }
        // No ack at all: a desk that does not know the event (an older one, for `choose`).
        const code = ack && !ack.ok ? ack.error.code : "unsupported";
        if (TRANSIENT.has(code) && attempts < MAX_ATTEMPTS) {
          attempts += 1;
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempts));
          continue;
        }
        this.fail(item, code);
      }
    } finally {
      this.flushing = false;
    }
  }

  private fail(item: Item, code: string): void {
    item.delivery = "failed";
    item.error = code;
    if (item.client_id) this.drop(item.client_id); // not resent by itself after a reload
    this.host.changed(item);
  }
}
