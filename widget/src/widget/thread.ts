// The conversation as the widget holds it: server messages ordered by seq, then the visitor's
// messages not acknowledged yet. Replays, history pages, acks and live events all merge here,
// keyed by seq and client_id, so nothing is shown twice.

import { Author, ServerMessage } from "./protocol";

export type Delivery = "sending" | "sent" | "failed";

export interface Item {
  key: string; // stable for the item's life (the client_id for the visitor's own messages)
  author: Author;
  text: string;
  ts: string;
  seq: number | null; // null until stored
  client_id: string | null;
  entry_id: string | null; // a `choose` (starter, suggestion, follow-up)
  delivery: Delivery;
  error: string | null;
  message: ServerMessage | null;
}

export interface Merge {
  item: Item;
  fresh: boolean; // a message this tab had not shown before
}

export class Thread {
  items: Item[] = [];
  maxSeq = 0;
  private bySeq = new Map<number, Item>();
  private byClient = new Map<string, Item>();

  /** Merge a stored message; null if it is already there. */
  addServer(message: ServerMessage): Merge | null {
    if (this.bySeq.has(message.seq)) return null;
    let item = message.client_id ? this.byClient.get(message.client_id) : undefined;
    const fresh = !item;
    if (item) {
      this.items.splice(this.items.indexOf(item), 1);
    } else {
      item = {
        key: message.client_id || `m${message.id}`,
        author: message.author,
        text: message.text,
        ts: message.ts,
        seq: null,
        client_id: message.client_id || null,
        entry_id: null,
        delivery: "sent",
        error: null,
        message: null,
      };
      if (item.client_id) this.byClient.set(item.client_id, item);
    }
    Object.assign(item, {
      seq: message.seq,
      text: message.text,
      ts: message.ts,
      delivery: "sent",
      error: null,
      message,
    });
    this.bySeq.set(message.seq, item);
    this.maxSeq = Math.max(this.maxSeq, message.seq);
    // Before the first item with a greater seq, or the first unstored one.
    const at = this.items.findIndex((other) => other.seq === null || other.seq > message.seq);
    this.items.splice(at < 0 ? this.items.length : at, 0, item);
    return { item, fresh };
  }

  /** Add the visitor's message before it is sent (or again after a reload). */
  addPending(clientId: string, text: string, ts: string, entryId: string | null): Item {
    const known = this.byClient.get(clientId);
    if (known) return known;
    const item: Item = {
      key: clientId,
      author: "visitor",
      text,
      ts,
      seq: null,
      client_id: clientId,
      entry_id: entryId,
      delivery: "sending",
      error: null,
      message: null,
    };
    this.byClient.set(clientId, item);
    this.items.push(item);
    return item;
  }

  byClientId(clientId: string): Item | undefined {
    return this.byClient.get(clientId);
  }

  /** The last stored message, if any. */
  lastStored(): Item | undefined {
    for (let i = this.items.length - 1; i >= 0; i--) {
      if (this.items[i].seq !== null) return this.items[i];
    }
    return undefined;
  }

  clear(): void {
    this.items = [];
    this.maxSeq = 0;
    this.bySeq.clear();
    this.byClient.clear();
  }
}

/** A new client-side id for a message (unique per message; ≤ 100 characters). */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
