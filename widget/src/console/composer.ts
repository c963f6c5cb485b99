// The reply box: Enter sends, Shift+Enter is a new line, /shortcut inserts a canned response;
// and the private-notes form.
import { $, call, el, failed, socket, uuid } from "./common";
import { Canned, Message } from "./protocol";

/** Wire the composer and the notes form of a conversation page. */
export function setupComposer(
  view: HTMLElement,
  conversationId: string,
  addMessage: (m: Message) => void,
): void {
  let canned: Canned[] = [];
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
