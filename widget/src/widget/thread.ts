// The conversation as the widget holds it: server messages ordered by seq, then the visitor's
// messages not acknowledged yet. Replays, history pages, acks and live events all merge here,
// keyed by seq and client_id, so nothing is shown twice. Items are immutable: a change makes
// a new item, so views redraw exactly the items that changed.

import { Author, ServerMessage } from "./protocol";

export type Delivery = "sending" | "sent" | "failed";

export interface Item {
  readonly key: string; // stable for the item's life (the client_id for the visitor's own)
  readonly author: Author;
  readonly text: string;
  readonly ts: string;
  readonly seq: number | null; // null until stored
  readonly client_id: string | null;
  readonly entry_id: string | null; // a `choose` (starter, suggestion, follow-up)
  readonly delivery: Delivery;
  readonly error: string | null;
  readonly message: ServerMessage | null;
  readonly upload?: boolean; // a file being sent over HTTP (not by the outbox, not kept)
}

/** A message the visitor wrote, as kept until the desk acknowledges it. */
export interface PendingRecord {
  client_id: string;
  text: string;
  ts: string;
  entry_id?: string; // a `choose` rather than a `message`
  upload?: boolean; // a file (sent by the controller over HTTP)
}

export type Items = readonly Item[];

/** Merge a stored message; null if it is already there. */
export function mergeServer(items: Items, message: ServerMessage): Items | null {
  if (items.some((i) => i.seq === message.seq)) return null;
  const own = message.client_id ? items.find((i) => i.client_id === message.client_id) : undefined;
  const item: Item = {
    key: own ? own.key : message.client_id || `m${message.id}`,
    author: message.author,
    text: message.text,
    ts: message.ts,
    seq: message.seq,
    client_id: message.client_id || null,
    entry_id: own ? own.entry_id : null,
    delivery: "sent",
    error: null,
    message,
  };
  const rest = own ? items.filter((i) => i !== own) : items.slice();
  // Before the first item with a greater seq, or the first unstored one.
  const at = rest.findIndex((other) => other.seq === null || other.seq > message.seq);
  rest.splice(at < 0 ? rest.length : at, 0, item);
  return rest;
}

/** Add the visitor's message before it is sent (or again after a reload). */
export function addPending(items: Items, record: PendingRecord): Items {
  if (items.some((i) => i.client_id === record.client_id)) return items;
  const item: Item = {
    key: record.client_id,
    author: "visitor",
    text: record.text,
    ts: record.ts,
    seq: null,
    client_id: record.client_id,
    entry_id: record.entry_id || null,
    delivery: "sending",
    error: null,
    message: null,
    upload: record.upload === true,
  };
  return [...items, item];
}

/** Take away an unstored message (a file the desk refused: the reason is shown instead). */
export function dropPending(items: Items, clientId: string): Items {
  return items.filter((i) => !(i.client_id === clientId && i.seq === null));
}

/** Set the delivery of an unstored message. */
export function setDelivery(
  items: Items,
  clientId: string,
  delivery: Delivery,
  error: string | null,
): Items {
  return items.map((i) =>
    i.client_id === clientId && i.seq === null ? { ...i, delivery, error } : i,
  );
}

/** The highest seq shown. */
export function maxSeq(items: Items): number {
  let max = 0;
  for (const i of items) if (i.seq !== null && i.seq > max) max = i.seq;
  return max;
}

/** The messages still to send, as kept in storage. */
export function pendingRecords(items: Items): PendingRecord[] {
  return items
    .filter((i) => i.seq === null && i.delivery === "sending" && i.client_id && !i.upload)
    .map((i) => {
      const record: PendingRecord = { client_id: i.client_id!, text: i.text, ts: i.ts };
      if (i.entry_id) record.entry_id = i.entry_id;
      return record;
    });
}

/** A new client-side id for a message (unique per message; ≤ 100 characters). */
export function newClientId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
