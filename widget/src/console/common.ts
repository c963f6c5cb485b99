// What every part of the console shares: the socket, acks, notices, DOM helpers and times.
import { io, Socket } from "socket.io-client";
import { promisedTime } from "../common/when";
import { Key, lang, locale, t } from "./i18n";
import { Ack } from "./protocol";

export const me = document.body.dataset.operatorId || "";
export const $ = <T extends Element>(selector: string, root: ParentNode = document) =>
  root.querySelector(selector) as T | null;

export const socket: Socket = io("/operator", { transports: ["websocket", "polling"] });

/** Emit with an ack; a timeout or a desk without the event is an error ack too. */
export function call(event: string, data: unknown): Promise<Ack> {
  return new Promise((resolve) => {
    socket.timeout(10000).emit(event, data, (err: Error | null, ack: Ack | undefined) => {
      if (err) resolve({ ok: false, error: { code: "timeout", message: t("no_answer") } });
      // python-socketio acks an event it has no handler for with nothing.
      else if (!ack) resolve({ ok: false, error: { code: "unsupported", message: "" } });
      else resolve(ack);
    });
  });
}

export function toast(text: string): void {
  const box = $<HTMLElement>("#toast");
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
  window.clearTimeout(Number(box.dataset.timer || 0));
  box.dataset.timer = String(window.setTimeout(() => (box.hidden = true), 5000));
}

const KNOWN_ERRORS = new Set([
  "capacity_full",
  "cannot_reopen",
  "already_claimed",
  "forbidden",
  "unsupported",
]);

/** Say what went wrong (in the console's language when we know the code); true if it did. */
export function failed(ack: Ack): boolean {
  if (ack.ok) return false;
  const code = ack.error ? ack.error.code : "";
  const text = KNOWN_ERRORS.has(code)
    ? t(`err_${code}` as Key)
    : (ack.error && ack.error.message) || t("error");
  toast(text);
  return true;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string } = {},
  ...children: (Node | string | null)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) node.className = props.className;
  if (props.text !== undefined) node.textContent = props.text;
  for (const child of children) if (child) node.append(child);
  return node;
}

// Times in the operator's language, European style in English too (a 24-hour clock, the
// day before the month): today's as "14:36", this year's as "3 Dec, 14:36", older ones
// with their year. The full date and time, seconds included, is the element's title.
const clock = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" });
const dated = new Intl.DateTimeFormat(locale, {
  day: "numeric", month: "short", hour: "2-digit", minute: "2-digit",
});
const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" });
const exact = new Intl.DateTimeFormat(locale, { dateStyle: "full", timeStyle: "medium" });

function parsed(iso: string | null): Date | null {
  if (!iso) return null;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function when(iso: string | null): string {
  const date = parsed(iso);
  if (date === null) return "—";
  const now = new Date();
  if (date.toDateString() === now.toDateString()) return clock.format(date);
  return (date.getFullYear() === now.getFullYear() ? dated : dateTime).format(date);
}

/** The full date and time of ``iso`` (a title beside what ``when`` writes). */
export function whenExactly(iso: string | null): string {
  const date = parsed(iso);
  return date === null ? "" : exact.format(date);
}

/** A <time> element for ``iso``: ``when``'s text, the exact time as its title. */
export function timeOf(iso: string): HTMLTimeElement {
  const node = el("time", { text: when(iso) });
  node.setAttribute("datetime", iso);
  node.title = whenExactly(iso);
  return node;
}

/** A time promised to a visitor, written as the widget and the system messages write it. */
export function promised(iso: string | null): string {
  return (iso && promisedTime(iso, lang)) || "—";
}

/** Write the server-rendered times (ISO) in the operator's language. */
export function localizeTimes(root: ParentNode = document): void {
  root.querySelectorAll("time[datetime]").forEach((node) => {
    const iso = node.getAttribute("datetime");
    if (!iso || iso === "None") return;
    node.textContent = node.hasAttribute("data-promised") ? promised(iso) : when(iso);
    if (!node.hasAttribute("title")) node.setAttribute("title", whenExactly(iso));
  });
}

export function uuid(): string {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
}
