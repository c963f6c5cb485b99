// One conversation: the whole history, notes, the ticket panel and the actions on it.
import { $, call, el, failed, localizeTimes, me, Message, Note, socket, Summary, toast, when } from "./common";
import { setupComposer } from "./composer";

/** Make a conversation page live. */
export function setupConversation(view: HTMLElement): void {
  const conversationId = view.dataset.id || "";
  const seen = new Set<string>();

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

  setupComposer(view, conversationId, addMessage);
}
