// Sending what the visitor wrote. Each message keeps its client_id for life, so sending it
// again (after a lost ack, a reconnection or a reload) is safe: the desk stores a client_id
// once. Messages go out one at a time, in order, whenever a session is open.

import { Link } from "./connection";
import { Ack, isMessage, ServerMessage } from "./protocol";
import { Action, WidgetState } from "./state";
import { Store } from "./store";
import { Item } from "./thread";

// Errors after which sending the same message again may work.
const TRANSIENT = new Set(["rate_limited", "store_unavailable", "internal_error"]);
const MAX_ATTEMPTS = 5;

const waiting = (s: WidgetState): Item | undefined =>
  s.items.find((i) => i.seq === null && i.delivery === "sending" && !i.upload);

export class Outbox {
  private flushing = false;

  constructor(
    private readonly store: Store<WidgetState, Action>,
    private readonly link: Link,
    private readonly retryLater: () => void,
  ) {
    // Send when a session opens, and when there is something new to send.
    store.subscribe((s, prev) => {
      if (s.phase !== "ready") return;
      const fresh = s.items.some(
        (i) =>
          i.seq === null &&
          i.delivery === "sending" &&
          !prev.items.some((p) => p.key === i.key && p.delivery === "sending"),
      );
      if (prev.phase !== "ready" || fresh) void this.flush();
    });
  }

  /** Send the unacknowledged messages in order, one at a time. Stops when the connection
   * goes; the next session calls it again. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    let attempts = 0;
    try {
      for (;;) {
        const state = this.store.state;
        const item = waiting(state);
        if (!item || state.phase !== "ready" || !this.link.connected) break;
        const payload = item.entry_id
          ? { entry_id: item.entry_id, client_id: item.client_id }
          : { client_id: item.client_id, text: item.text };
        let ack: Ack<{ message: ServerMessage }>;
        try {
          ack = await this.link.call(item.entry_id ? "choose" : "message", payload);
        } catch {
          // No answer in time, or the connection dropped: later, or at the next session.
          this.retryLater();
          break;
        }
        if (ack && ack.ok && isMessage(ack.message)) {
          attempts = 0;
          this.store.dispatch({ type: "message", message: ack.message, acked: true });
          if (waiting(this.store.state) === item) break; // not merged: never loop on it
          continue;
        }
        // No ack at all: a desk that does not know the event (an older one, for `choose`).
        const code = ack && !ack.ok ? ack.error.code : "unsupported";
        if (TRANSIENT.has(code) && attempts < MAX_ATTEMPTS) {
          attempts += 1;
          await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempts));
          continue;
        }
        // Not resent by itself after a reload: storage keeps only the "sending" ones.
        this.store.dispatch({
          type: "delivery",
          clientId: item.client_id!,
          delivery: "failed",
          error: code,
        });
      }
    } finally {
      this.flushing = false;
    }
  }
}
