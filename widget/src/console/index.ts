// The operators' console: live updates and actions over the /operator namespace.
// Pages are rendered by the server (chatdesk/web/templates/console); this script makes them
// live. Everything people wrote is inserted with textContent, never as HTML.
import { io, Socket } from "socket.io-client";

type Summary = {
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
type Message = {
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
type Note = { id: string; operator: { name: string }; text: string; ts: string };
type Ack = { ok: boolean; error?: { code: string; message: string }; [key: string]: unknown };
type Canned = { shortcut: string; lang: string; text: string };

const body = document.body;
const me = body.dataset.operatorId || "";
const $ = <T extends Element>(selector: string, root: ParentNode = document) =>
  root.querySelector(selector) as T | null;

const socket: Socket = io("/operator", { transports: ["websocket", "polling"] });

function call(event: string, data: unknown): Promise<Ack> {
  return new Promise((resolve) => {
    socket.timeout(10000).emit(event, data, (err: Error | null, ack: Ack) => {
      resolve(err ? { ok: false, error: { code: "timeout", message: "No answer; retry." } } : ack);
    });
  });
}

function toast(text: string): void {
  const box = $<HTMLElement>("#toast");
  if (!box) return;
  box.textContent = text;
  box.hidden = false;
  window.clearTimeout(Number(box.dataset.timer || 0));
  box.dataset.timer = String(window.setTimeout(() => (box.hidden = true), 5000));
}

function failed(ack: Ack): boolean {
  if (!ack.ok) toast(ack.error ? ack.error.message : "Something went wrong.");
  return !ack.ok;
}

function el<K extends keyof HTMLElementTagNameMap>(
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

function when(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString() : "—";
}

function localizeTimes(root: ParentNode = document): void {
  root.querySelectorAll("time[datetime]").forEach((t) => {
    const iso = t.getAttribute("datetime");
    if (iso && iso !== "None") t.textContent = when(iso);
  });
}

function uuid(): string {
  return crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
}

// ---- header: counts, presence, offers -------------------------------------------------

function setCounts(counts: Record<string, number>): void {
  for (const [name, n] of Object.entries(counts)) {
    const badge = $<HTMLElement>(`[data-count="${name}"]`);
    if (badge) badge.textContent = String(n);
  }
}

const presence = $<HTMLButtonElement>("#presence");
function setPresence(status: string): void {
  if (!presence) return;
  presence.dataset.status = status;
  presence.textContent = status;
}
presence?.addEventListener("click", async () => {
  const next = presence.dataset.status === "online" ? "away" : "online";
  const ack = await call("status", { status: next });
  if (!failed(ack)) setPresence(next);
});

socket.on("hello", (hello: { status: string; counts: Record<string, number> }) => {
  setPresence(hello.status);
  setCounts(hello.counts);
});
socket.on("counts", setCounts);
socket.on("connect_error", (err: Error) => {
  if (err.message === "unauthorized") window.location.href = "/console/login?next=" +
    encodeURIComponent(window.location.pathname);
  else toast("Reconnecting…");
});

const offerBox = $<HTMLElement>("#offer");
let offered: string | null = null;
socket.on("offer", (offer: { conversation: Summary }) => {
  if (!offerBox) return;
  offered = offer.conversation.id;
  const what = $<HTMLElement>(".offer-what", offerBox);
  if (what) {
    const t = offer.conversation.ticket;
    what.textContent = `${t ? t.number + " · " + t.subject : "A visitor"} (${offer.conversation.priority})`;
  }
  offerBox.hidden = false;
  $<HTMLButtonElement>('[data-action="accept"]', offerBox)?.focus();
});
offerBox?.addEventListener("click", async (event) => {
  const action = (event.target as HTMLElement).closest("button")?.dataset.action;
  if (!action || !offered) return;
  const id = offered;
  offerBox.hidden = true;
  offered = null;
  if (action === "accept") {
    const ack = await call("claim", { conversation_id: id });
    if (!failed(ack)) window.location.href = `/console/c/${id}`;
  } else {
    failed(await call("decline", { conversation_id: id }));
  }
});

// ---- the lists --------------------------------------------------------------------------

const inbox = $<HTMLElement>("section.inbox");
function summaryRow(c: Summary): HTMLLIElement {
  const link = el("a");
  link.href = `/console/c/${c.id}`;
  link.append(
    el("span", { className: "badge mode", text: c.mode }),
    c.ticket ? el("span", { className: "ticket", text: c.ticket.number }) : "",
    el("span", { className: "subject", text: c.ticket ? c.ticket.subject : "(no ticket)" }),
    c.priority ? el("span", { className: "badge prio", text: c.priority }) : "",
    c.department ? el("span", { className: "dept", text: c.department }) : "",
    el("span", { className: "lang", text: c.lang }),
    c.operator ? el("span", { className: "op", text: c.operator.name }) : "",
  );
  if (c.last_message) {
    const last = el("span", { className: "last" }, el("b", { text: c.last_message.author + ": " }));
    last.append(c.last_message.text);
    link.append(last);
  }
  if (c.queued_at) {
    const t = el("time", { text: when(c.queued_at) });
    t.setAttribute("datetime", c.queued_at);
    link.append(t);
  }
  const row = el("li", { className: `conv mode-${c.mode} prio-${c.priority || "none"}` }, link);
  row.dataset.id = c.id;
  return row;
}

let refreshTimer = 0;
async function refreshList(): Promise<void> {
  if (!inbox) return;
  const ack = await call("inbox", { view: inbox.dataset.view });
  if (failed(ack)) return;
  const list = $<HTMLElement>("#list", inbox);
  const focused = (document.activeElement?.closest("li.conv") as HTMLElement | null)?.dataset.id;
  list?.replaceChildren(...(ack.conversations as Summary[]).map(summaryRow));
  const empty = $<HTMLElement>(".empty", inbox);
  if (empty) empty.hidden = (ack.conversations as Summary[]).length > 0;
  setCounts(ack.counts as Record<string, number>);
  if (focused) $<HTMLElement>(`li.conv[data-id="${focused}"] a`, inbox)?.focus();
}
if (inbox) {
  socket.on("conversation", () => {
    // Debounced: a burst of changes (a queue moving) is one refresh.
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refreshList, 150);
  });
  socket.on("connect", refreshList);
  localizeTimes(inbox);
}

// ---- one conversation -------------------------------------------------------------------

const view = $<HTMLElement>("section.conversation");
const conversationId = view?.dataset.id || "";
const seen = new Set<string>();
let canned: Canned[] = [];

function messageItem(m: Message): HTMLLIElement {
  const who = m.author === "operator" && m.operator ? m.operator.name : m.author;
  const time = el("time", { text: when(m.ts) });
  time.setAttribute("datetime", m.ts);
  const text = el(m.html && m.author === "bot" ? "div" : "p", { className: "text" });
  if (m.html && m.author === "bot") {
    text.classList.add("rich");
    text.innerHTML = m.html; // the bot's answer, sanitised by the server (nh3) when written
  } else {
    text.textContent = m.text;
  }
  const item = el("li", { className: `msg author-${m.author}` },
    el("span", { className: "who", text: who }), time, text);
  if (m.author === "bot" && m.entry_id) {
    item.append(el("span", { className: "meta", text: `${m.kind} · ${m.entry_id} · ${m.confidence}` }));
  }
  item.dataset.id = m.id;
  return item;
}

function addMessage(m: Message): void {
  if (seen.has(m.id)) return;
  seen.add(m.id);
  const list = $<HTMLElement>("#messages");
  list?.append(messageItem(m));
  list?.lastElementChild?.scrollIntoView({ block: "end" });
}

function noteItem(n: Note): HTMLLIElement {
  const time = el("time", { text: when(n.ts) });
  time.setAttribute("datetime", n.ts);
  return el("li", {}, el("span", { className: "who", text: n.operator.name }), " ", time,
    el("p", { text: n.text }));
}

function applySummary(c: Summary): void {
  if (!view) return;
  const mine = c.mode === "live" && c.operator?.id === me;
  view.dataset.mode = c.mode;
  view.dataset.mine = mine ? "yes" : "no";
  const show = (selector: string, visible: boolean) => {
    const node = $<HTMLElement>(selector, view);
    if (node) node.hidden = !visible;
  };
  show('[data-action="claim"]', !mine && (c.mode === "queued" || c.mode === "waiting"));
  show('[data-action="close"]', mine);
  show('[data-action="handback"]', mine);
  show(".transfer", mine);
  show("#composer", mine);
  const mode = $<HTMLElement>("dd.mode", view);
  if (mode) mode.textContent = c.mode;
  const status = $<HTMLElement>(".ticket .status", view);
  if (status && c.ticket) status.textContent = c.ticket.status;
}

async function watch(): Promise<void> {
  const ack = await call("watch", { conversation_id: conversationId });
  if (failed(ack)) return;
  seen.clear();
  $<HTMLElement>("#messages")?.replaceChildren();
  for (const m of ack.messages as Message[]) addMessage(m);
  $<HTMLElement>("#notes")?.replaceChildren(...(ack.notes as Note[]).map(noteItem));
  applySummary(ack.conversation as Summary);
}

async function act(action: string, data: Record<string, unknown> = {}): Promise<boolean> {
  return !failed(await call(action, { conversation_id: conversationId, ...data }));
}

if (view) {
  localizeTimes(view);
  socket.on("connect", watch);
  socket.on("message", (m: Message & { conversation_id: string }) => {
    if (m.conversation_id === conversationId) addMessage(m);
  });
  socket.on("note", (n: Note & { conversation_id: string }) => {
    if (n.conversation_id === conversationId) $<HTMLElement>("#notes")?.append(noteItem(n));
  });
  socket.on("conversation", (c: Summary) => {
    if (c.id === conversationId) applySummary(c);
  });
  let typingTimer = 0;
  socket.on("typing", (t: { conversation_id: string; on: boolean }) => {
    if (t.conversation_id !== conversationId) return;
    const box = $<HTMLElement>("#typing");
    if (!box) return;
    box.hidden = !t.on;
    window.clearTimeout(typingTimer);
    if (t.on) typingTimer = window.setTimeout(() => (box.hidden = true), 8000);
  });

  view.addEventListener("click", async (event) => {
    const button = (event.target as HTMLElement).closest("button");
    const action = button?.dataset.action;
    if (!action) return;
    if (action === "claim" && (await act("claim"))) $<HTMLTextAreaElement>("#reply")?.focus();
    if (action === "close" && window.confirm("Close this conversation? The visitor will be asked to rate it.")) {
      await act("close");
    }
    if (action === "handback") await act("handback");
    if (action === "transfer-department") {
      const select = $<HTMLSelectElement>('select[name="department"]', view);
      if (select && (await act("transfer", { department: select.value }))) toast("Transferred.");
    }
    if (action === "transfer-operator") {
      const select = $<HTMLSelectElement>('select[name="operator"]', view);
      if (select?.value && (await act("transfer", { operator_id: select.value }))) toast("Transferred.");
    }
  });

  $<HTMLDetailsElement>(".transfer", view)?.addEventListener("toggle", async () => {
    const ack = await call("operators", {});
    if (failed(ack)) return;
    const select = $<HTMLSelectElement>('select[name="operator"]', view);
    const options = (ack.operators as { id: string; name: string; status: string; load: number }[])
      .filter((o) => o.id !== me && o.status !== "offline")
      .map((o) => {
        const option = el("option", { text: `${o.name} (${o.status}, ${o.load} live)` });
        option.value = o.id;
        return option;
      });
    select?.replaceChildren(...options);
  });

  // Composer: Enter sends, Shift+Enter is a new line, /shortcut inserts a canned response.
  const composer = $<HTMLFormElement>("#composer");
  const reply = $<HTMLTextAreaElement>("#reply");
  const picker = $<HTMLUListElement>("#canned-pick");
  let typing = false;
  let idle = 0;
  const stopTyping = () => {
    if (typing) socket.emit("typing", { conversation_id: conversationId, on: false });
    typing = false;
  };
  const send = async () => {
    if (!reply) return;
    const text = reply.value.trim();
    if (!text) return;
    reply.disabled = true;
    stopTyping();
    const ack = await call("message", { conversation_id: conversationId, client_id: uuid(), text });
    reply.disabled = false;
    if (!failed(ack)) {
      reply.value = "";
      addMessage(ack.message as Message);
    }
    reply.focus();
  };
  const matches = (): Canned[] => {
    const m = /^\/([\w-]*)$/.exec(reply?.value || "");
    if (!m) return [];
    const lang = view.dataset.lang;
    return canned
      .filter((c) => c.shortcut.startsWith(m[1]))
      .sort((a, b) => Number(b.lang === lang) - Number(a.lang === lang) || a.shortcut.localeCompare(b.shortcut));
  };
  let choice = 0;
  const renderPicker = () => {
    if (!picker) return;
    const found = matches();
    picker.hidden = found.length === 0;
    choice = Math.min(choice, Math.max(0, found.length - 1));
    picker.replaceChildren(...found.map((c, i) => {
      const item = el("li", { text: `/${c.shortcut} (${c.lang}) — ${c.text}` });
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", String(i === choice));
      item.addEventListener("mousedown", (e) => { e.preventDefault(); insert(c); });
      return item;
    }));
  };
  const insert = (c: Canned) => {
    if (!reply) return;
    reply.value = c.text;
    if (picker) picker.hidden = true;
    reply.focus();
  };
  reply?.addEventListener("input", () => {
    renderPicker();
    if (!typing) socket.emit("typing", { conversation_id: conversationId, on: true });
    typing = true;
    window.clearTimeout(idle);
    idle = window.setTimeout(stopTyping, 3000);
  });
  reply?.addEventListener("keydown", (event) => {
    const found = picker && !picker.hidden ? matches() : [];
    if (found.length && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      choice = (choice + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      renderPicker();
    } else if (found.length && (event.key === "Enter" || event.key === "Tab")) {
      event.preventDefault();
      insert(found[choice]);
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      void send();
    } else if (event.key === "Escape") {
      reply.blur();
    }
  });
  composer?.addEventListener("submit", (event) => {
    event.preventDefault();
    void send();
  });
  call("canned", {}).then((ack) => {
    if (ack.ok) canned = ack.responses as Canned[];
  });

  $<HTMLFormElement>("#note-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = $<HTMLTextAreaElement>("#note");
    const text = note?.value.trim();
    if (!note || !text) return;
    const ack = await call("note", { conversation_id: conversationId, text, client_id: uuid() });
    if (!failed(ack)) note.value = "";
  });
}

// ---- keyboard shortcuts -----------------------------------------------------------------

document.addEventListener("keydown", (event) => {
  const target = event.target as HTMLElement;
  if (event.altKey || event.ctrlKey || event.metaKey) return;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const lists: Record<string, string> = { "1": "queue", "2": "mine", "3": "all" };
  if (lists[event.key]) {
    window.location.href = `/console/${lists[event.key]}`;
  } else if (view && event.key === "c") {
    $<HTMLButtonElement>('[data-action="claim"]:not([hidden])', view)?.click();
  } else if (view && event.key === "x") {
    $<HTMLButtonElement>('[data-action="close"]:not([hidden])', view)?.click();
  } else if (view && event.key === "r") {
    event.preventDefault();
    $<HTMLTextAreaElement>("#reply")?.focus();
  } else if (inbox && (event.key === "j" || event.key === "k")) {
    const rows = Array.from(inbox.querySelectorAll<HTMLAnchorElement>("li.conv a"));
    const at = rows.indexOf(document.activeElement as HTMLAnchorElement);
    const next = rows[Math.max(0, Math.min(rows.length - 1, at + (event.key === "j" ? 1 : -1)))];
    next?.focus();
  }
});
