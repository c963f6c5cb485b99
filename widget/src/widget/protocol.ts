// The /visitor contract of docs/protocol.md, as the widget reads it: every wire type lives
// here (and nowhere else), with tolerant readers. Servers may add fields; every reader here
// tolerates missing or unknown ones.

export type Author = "visitor" | "bot" | "operator" | "system";
export type Mode = "bot" | "queued" | "live" | "waiting" | "closed";
export type Priority = "urgent" | "high" | "normal" | "low";
/** Where the language sent in `auth.lang` came from. */
export type LangSource = "site" | "visitor" | "browser";

export interface Choice {
  entry_id: string;
  title: string;
}

export interface ServerMessage {
  id: string;
  seq: number;
  conversation_id?: string;
  author: Author;
  text: string;
  ts: string;
  client_id?: string;
  // bot messages
  kind?: "answer" | "suggest" | "no_answer" | "escalated";
  html?: string;
  suggestions?: Choice[];
  follow_ups?: Choice[];
  offer_person?: boolean;
  // system messages
  event?: string;
  ticket?: string;
  // operator messages
  operator?: { id?: string; name?: string } | null;
  [extra: string]: unknown;
}

export interface Ticket {
  number: string;
  status?: string;
  priority?: Priority;
  department?: string;
  subject?: string;
  reply_expected_by?: string | null;
}

export interface ConversationState {
  mode: Mode;
  queue: { position: number; estimated_wait_seconds: number | null } | null;
  operator: { name: string } | null;
  ticket: Ticket | null;
  offline_form: boolean;
  rating_requested: boolean;
}

export interface Desk {
  name: string;
  status: "online" | "away" | "closed";
  open_now: boolean;
  next_open: string | null;
  reply_within_seconds: number | null;
  /** When a normal-priority request filed now gets its first reply (business time). */
  reply_expected_by?: string | null;
  /** The desk's IANA time zone, when it sends one: promised times are shown in it. */
  timezone?: string | null;
  departments?: string[];
}

export interface BotIntro {
  name: string;
  greeting: string;
  starters: Choice[];
}

export interface Session {
  token: string;
  visitor_id: string;
  conversation_id: string;
  seq: number;
  lang: string;
  mode: Mode;
  bot: BotIntro | null;
  state?: ConversationState;
  desk?: Desk;
}

/** The connection's `auth` (docs/protocol.md, "Connecting"). */
export interface VisitorAuth {
  token?: string;
  since?: number;
  lang: string;
  lang_source: LangSource;
  page: string;
}

/** `lang` from the server: the conversation's language changed (another tab, detection). */
export interface LangChange {
  lang: string;
  bot?: BotIntro | null;
}

/** The ack of the visitor's `lang`. */
export interface LangAck {
  lang: string;
  bot?: BotIntro | null;
  state?: unknown;
}

export interface ContactDetails {
  name?: string;
  email: string;
  subject?: string;
  description?: string;
  priority: Priority;
}

export interface RatingValue {
  score: number;
  comment?: string;
}

export interface ErrorInfo {
  code: string;
  message: string;
}

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
export function readState(value: unknown, mode: Mode = "bot"): ConversationState {
  const s = (
    typeof value === "object" && value !== null ? value : {}
  ) as Partial<ConversationState>;
  const m = typeof s.mode === "string" && MODES.includes(s.mode) ? s.mode : mode;
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
