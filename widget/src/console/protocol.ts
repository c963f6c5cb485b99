// The /operator contract of docs/protocol.md, as the console reads it: every wire type of the
// console lives here (and nowhere else).

export type Mode = "bot" | "queued" | "live" | "waiting" | "closed";
export type Priority = "urgent" | "high" | "normal" | "low";
export type Presence = "online" | "away" | "offline";

export interface Ticket {
  number: string;
  status: string;
  priority: Priority;
  department: string;
  subject: string;
  reply_expected_by: string | null;
  requester_name: string;
  requester_email: string;
  description: string;
  rating: number | null;
  rating_comment: string;
}

export interface Summary {
  id: string;
  mode: Mode;
  department: string;
  priority: Priority | null;
  lang: string;
  page: string;
  queued_at: string | null;
  operator: { id: string; name: string } | null;
  ticket: Ticket | null;
  last_message: { author: string; text: string; ts: string } | null;
}

export interface Suggestion {
  entry_id: string;
  title: string;
}

export interface Message {
  id: string;
  seq: number;
  conversation_id?: string;
  author: "visitor" | "bot" | "operator" | "system";
  text: string;
  ts: string;
  kind?: string;
  entry_id?: string | null;
  confidence?: number | null;
  operator?: { id?: string; name: string };
  html?: string;
  suggestions?: Suggestion[];
}

export interface Note {
  id: string;
  conversation_id?: string;
  operator: { name: string };
  text: string;
  ts: string;
}

export interface OperatorInfo {
  id: string;
  name: string;
  status: Presence;
  load: number;
  capacity?: number;
}

export interface Canned {
  shortcut: string;
  lang: string;
  text: string;
}

export interface Hello {
  status: Presence;
  counts: Record<string, number>;
}

export interface Offer {
  conversation: Summary;
  expires_at: string;
}

export interface Typing {
  conversation_id: string;
  on: boolean;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

/** An ack: `{ok: true, ...}` or `{ok: false, error}` (no answer or no handler: an error). */
export type Ack = { ok: boolean; error?: ErrorInfo; [key: string]: unknown };
