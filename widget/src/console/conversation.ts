// One conversation: the whole history and notes, live, with the action card and the ticket.
import { $, call, el, failed, localizeTimes, me, socket, timeOf } from "./common";
import { setupActions } from "./actions";
import { setupAnswers } from "./answers";
import { setupComposer } from "./composer";
import { messageItem } from "./messages";
import { Message, Note, ReadMark, Receipt, Summary, Typing } from "./protocol";
import { t } from "./i18n";
import { setupTicket } from "./ticket";
import { setupToTicket } from "./toticket";

/** Make a conversation page live. */
export function setupConversation(view: HTMLElement): void {
  const conversationId = view.dataset.id || "";
  const seen = new Set<string>();
  // The messages on the page, to keep those that arrive live while `watch` reads the history.
  const shown = new Map<string, Message>();
  // How far the visitor has seen the conversation (read receipts): "Seen" under the last
  // operator's message they saw.
  let read: ReadMark = { seq: 0, at: null };
  const applyActions = setupActions(view, conversationId);
  const drawTicket = setupTicket(view, conversationId);

  function addMessage(m: Message): void {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    shown.set(m.id, m);
    const list = $<HTMLElement>("#messages");
    list?.append(messageItem(m));
    list?.lastElementChild?.scrollIntoView({ block: "end" });
  }

  function drawSeen(): void {
    view.querySelector("#messages .seen")?.remove();
    const items = view.querySelectorAll<HTMLElement>("#messages li.author-operator[data-seq]");
    const last = Array.from(items).filter((li) => Number(li.dataset.seq) <= read.seq).pop();
    if (!last || !read.at) return;
    const mark = el("span", { className: "seen" }, `${t("seen_by_visitor")} `, timeOf(read.at));
    mark.title = t("seen_by_visitor_title");
    last.append(mark);
  }

  function noteItem(n: Note): HTMLLIElement {
    const time = timeOf(n.ts);
    return el("li", {}, el("span", { className: "who", text: n.operator.name }), " ", time,
      el("p", { text: n.text }));
  }

  // The visitor learns that the operator who has the chat saw their messages ("Seen"):
  // told when they are on the page, visible, once per new message.
  let holder: string | null = null;
  let told = 0;
  function tellSeen(): void {
    if (holder !== me || document.visibilityState !== "visible") return;
    const newest = Math.max(0, ...Array.from(shown.values(), (m) => m.seq));
    if (newest <= told) return;
    told = newest;
    socket.emit("read", { conversation_id: conversationId, seq: newest });
  }
  document.addEventListener("visibilitychange", tellSeen);

  function applySummary(c: Summary): void {
    applyActions(c);
    drawTicket(c);
    holder = c.operator?.id ?? null;
    tellSeen();
  }


  // The help centre's answers follow what the visitor asks: their last three messages, as
  // the server read them for the page (a visitor who asks for a person said what about
  // just before). `asked`: the visitor's latest message the panel was drawn for.
  const reply = $<HTMLTextAreaElement>("#reply", view);
  const answerFor = reply ? setupAnswers(view, reply, () => undefined) : () => undefined;
  let asked = Math.max(-1, ...Array.from(
    view.querySelectorAll<HTMLElement>("#messages li[data-seq]"), (li) => Number(li.dataset.seq) || -1,
  ));
  function follow(messages: Message[]): void {
    const newest = Math.max(-1, ...messages.filter((m) => m.author === "visitor").map((m) => m.seq));
    if (newest <= asked) return;
    asked = newest;
    const said = Array.from(view.querySelectorAll("#messages li.author-visitor .text"), (p) => p.textContent || "");
    answerFor(said.slice(-3).join(" ").slice(-500));
  }

  async function watch(): Promise<void> {
    const ack = await call("watch", { conversation_id: conversationId });
    if (failed(ack)) return;
    // The server joins the conversation's room before it reads the history: a message
    // stored after the read arrives live, possibly before this answer. Keep those.
    const history = ack.messages as Message[];
    const last = Math.max(-1, ...history.map((m) => m.seq));
    const later = [...shown.values()].filter((m) => m.seq > last).sort((a, b) => a.seq - b.seq);
    seen.clear();
    shown.clear();
    $<HTMLElement>("#messages")?.replaceChildren();
    for (const m of [...history, ...later]) addMessage(m);
    $<HTMLElement>("#notes")?.replaceChildren(...(ack.notes as Note[]).map(noteItem));
    applySummary(ack.conversation as Summary);
    read = (ack.read as ReadMark | undefined) ?? read;
    drawSeen();
    // What the visitor said while this page loaded or was offline came with the history.
    follow([...history, ...later]);
    view.dataset.live = "1";  // watched: what happens now arrives as it happens
  }

  localizeTimes(view);
  socket.on("connect", watch);
  socket.on("message", (m: Message) => {
    if (m.conversation_id !== conversationId) return;
    addMessage(m);
    follow([m]);
    if (m.author === "visitor") tellSeen();
  });
  socket.on("read", (receipt: Receipt) => {
    if (receipt.conversation_id !== conversationId || receipt.seq <= read.seq) return;
    read = receipt;
    drawSeen();
  });
  socket.on("note", (n: Note) => {
    if (n.conversation_id === conversationId) $<HTMLElement>("#notes")?.append(noteItem(n));
  });
  socket.on("conversation", (c: Summary) => {
    if (c.id === conversationId) applySummary(c);
  });
  let typingTimer = 0;
  socket.on("typing", (typing: Typing) => {
    if (typing.conversation_id !== conversationId) return;
    const box = $<HTMLElement>("#typing");
    if (!box) return;
    box.hidden = !typing.on;
    window.clearTimeout(typingTimer);
    if (typing.on) typingTimer = window.setTimeout(() => (box.hidden = true), 8000);
  });

  setupComposer(view, conversationId, addMessage);
  setupToTicket(view, conversationId);
}
