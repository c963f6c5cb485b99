// The /operator contract of docs/protocol.md, as the console reads it: the wire types
// (generated from the server's schema) under the console's names.

import type * as Wire from "../generated/protocol";

// The wire types are generated from the server's schema (src/generated/protocol.ts); these
// names are the console's view of them.
export type Mode = Wire.StateOut["mode"];
export type Priority = NonNullable<Wire.EscalateIn["priority"]>;
export type Presence = Wire.PresenceOut["status"];
export type Ticket = Wire.TicketOut;
export type Summary = Wire.SummaryOut;
export type Suggestion = Wire.Suggestion;
export type Message = Wire.MessageOut;
export type Note = Wire.NoteOut;
export type OperatorInfo = Wire.OperatorOut;
export type Canned = Wire.CannedOut;
export type Hello = Wire.HelloOut;
export type Counts = Wire.CountsOut;
export type Offer = Wire.OfferOut;
export type Typing = Wire.TypingOut;
export type ReadMark = Wire.ReadMark;
export type Receipt = Wire.ReadOut;
export type ErrorInfo = Wire.ErrorOut;
export type TicketSummary = Wire.TicketSummaryOut;
export type TicketPage = Wire.TicketPageAck;
export type ThreadItem = Wire.TicketItemOut | Wire.ChatItemOut;
export type TicketHistory = Wire.TicketEventOut;
export type TicketPresence = Wire.TicketPresenceOut;
export type RollCall = Wire.RollCallOut;
export type Mention = Wire.MentionOut;
export type HoldEnded = Wire.HoldEndedOut;
export type ChatMention = Wire.ChatMentionOut;
export type Attachment = Wire.AttachmentOut;

/** An ack: `{ok: true, ...}` or `{ok: false, error}` (no answer or no handler: an error). */
export type Ack = { ok: boolean; error?: ErrorInfo; [key: string]: unknown };
