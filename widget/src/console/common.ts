// What every part of the console shares: the socket, DOM helpers and the payload types.
import { io, Socket } from "socket.io-client";

export type Summary = {
  id: string;
  mode: string;
  department: string;
  priority: string;
  lang: string;
  page: string;
  queued_at: string | null;
  operator: { id: string; name: string } | null;
  ticket: null | {
    number: string;
    status: string;
    priority: string;
    department: string;
    subject: string;
    reply_expected_by: string | null;
    requester_name: string;
    requester_email: string;
    description: string;
    rating: number | null;
    rating_comment: string;
  };
  last_message: { author: string; text: string; ts: string } | null;
};
export type Message = {
  id: string;
  seq: number;
  author: string;
  text: string;
  ts: string;
  kind?: string;
  entry_id?: string | null;
  confidence?: number | null;
  operator?: { name: string };
  html?: string;
};
export type Note = { id: string; operator: { name: string }; text: string; ts: string };
export type Ack = { ok: boolean; error?: { code: string; message: string }; [key: string]: unknown };
export type Canned = { shortcut: string; lang: string; text: string };

export const me = document.body.dataset.operatorId || "";
export const $ = <T extends Element>(selector: string, root: ParentNode = document) =>
  root.querySelector(selector) as T | null;

export const socket: Socket = io("/operator", { transports: ["websocket", "polling"] });

export function call(event: string, data: unknown): Promise<Ack> {
  return new Promise((resolve) => {
    socket.timeout(10000).emit(event, data, (err: Error | null, ack: Ack) => {
      resolve(err ? { ok: false, error: { code: "timeout", message: "No answer; retry." } } : ack);
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

export function failed(ack: Ack): boolean {
  if (!ack.ok) toast(ack.error ? ack.error.message : "Something went wrong.");
  return !ack.ok;
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

export function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

export function localizeTimes(root: ParentNode = document): void {
  root.querySelectorAll("time[datetime]").forEach((t) => {
    const iso = t.getAttribute("datetime");
    if (iso && iso !== "None") t.textContent = when(iso);
  });
}

export function uuid(): string {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
}
