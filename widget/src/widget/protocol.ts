// The /visitor contract of docs/protocol.md, as the widget reads it: the wire types (generated
// from the server's schema) under the widget's names, and tolerant readers: servers may add
// fields, and every reader here tolerates missing or unknown ones.

import type * as Wire from "../generated/protocol";

// The wire types are generated from the server's schema (src/generated/protocol.ts); these
// names are the widget's view of them.
export type Author = Wire.MessageOut["author"];
export type Mode = Wire.StateOut["mode"];
export type Priority = NonNullable<Wire.EscalateIn["priority"]>;
/** Where the language sent in `auth.lang` came from. */
export type LangSource = NonNullable<Wire.ConnectAuth["lang_source"]>;
export type Choice = Wire.Choice;
/** A file in chat (`attachments` of a visitor's message, or of a ticket reply said there). */
export type ChatFile = Wire.ChatFileOut;
export type ServerMessage = Wire.MessageOut;
export type Ticket = Wire.TicketOut;
export type ConversationState = Wire.StateOut;
export type Desk = Wire.DeskOut;
export type PriorityOut = Wire.PriorityOut;
export type BotIntro = Wire.BotWelcome;
export type Session = Wire.SessionOut;
/** The connection's `auth` (docs/protocol.md, "Connecting"). */
export type VisitorAuth = Wire.ConnectAuth;
/** `lang` from the server: the conversation's language changed (another tab, detection). */
export type LangChange = Wire.LangOut;
/** The ack of the visitor's `lang`. */
export type LangAck = Omit<Wire.LangAck, "ok">;
export type ContactDetails = Wire.ContactIn;
export type RatingValue = Wire.RateIn;
export type ErrorInfo = Wire.ErrorOut;
/** A service notice (maintenance, outage): `body_html` is sanitised again before shown. */
export type ServiceNotice = Wire.NoticeOut;

/** An ack: `{ok: true, ...}` or `{ok: false, error}`; `undefined` when the server has no
 * handler for the event (python-socketio acks unknown events with no arguments). */
export type Ack<T = Record<string, unknown>> =
  | ({ ok: true } & T)
  | { ok: false; error: ErrorInfo }
  | undefined;

const MODES: readonly string[] = ["bot", "queued", "live", "waiting", "closed"];

export function isMessage(value: unknown): value is ServerMessage {
  const m = value as ServerMessage | null;
  return (
    typeof m === "object" &&
    m !== null &&
    typeof m.id === "string" &&
    typeof m.seq === "number" &&
    typeof m.text === "string" &&
    typeof m.author === "string"
  );
}

/** The state as given, or the plain state of `mode` when the server sent none. */
export function readState(value: unknown, mode: string = "bot"): ConversationState {
  const s = (
    typeof value === "object" && value !== null ? value : {}
  ) as Partial<ConversationState>;
  const fallback = (MODES.includes(mode) ? mode : "bot") as Mode;
  const m = typeof s.mode === "string" && MODES.includes(s.mode) ? s.mode : fallback;
  return {
    mode: m,
    queue: s.queue && typeof s.queue.position === "number" ? s.queue : null,
    operator: s.operator && typeof s.operator.name === "string" ? s.operator : null,
    ticket: s.ticket && typeof s.ticket.number === "string" ? s.ticket : null,
    offline_form: s.offline_form === true,
    rating_requested: s.rating_requested === true,
  };
}

export function readDesk(value: unknown): Desk | null {
  const d = value as Desk | null;
  if (typeof d !== "object" || d === null || typeof d.name !== "string") return null;
  return d;
}

export function readBot(value: unknown): BotIntro | null {
  const b = value as BotIntro | null;
  if (typeof b !== "object" || b === null || typeof b.greeting !== "string") return null;
  return { ...b, starters: Array.isArray(b.starters) ? b.starters : [] };
}

/** Who wrote an operator message (`operator: {id, name}`). */
export function operatorName(m: ServerMessage): string | null {
  const op = m.operator;
  return op && typeof op === "object" && typeof op.name === "string" && op.name ? op.name : null;
}

const SEVERITIES: readonly string[] = ["info", "maintenance", "outage"];

/** The valid notices of a `session.notices` or `notices.notices` list. */
export function readNotices(value: unknown): ServiceNotice[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (n): n is ServiceNotice =>
      typeof n === "object" &&
      n !== null &&
      typeof n.id === "string" &&
      typeof n.title === "string" &&
      typeof n.body_html === "string" &&
      SEVERITIES.includes(n.severity),
  );
}
