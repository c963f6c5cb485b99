// The reply box: Enter sends, Shift+Enter is a new line, /shortcut inserts a canned response;
// and the private-notes form.
import { attachCanned } from "./canned";
import { $, call, failed, socket, uuid } from "./common";
import { keepDraft } from "./drafts";
import { Message } from "./protocol";
import { attachMentions } from "./mentionpick";

/** Wire the composer and the notes form of a conversation page. */
export function setupComposer(
  view: HTMLElement,
  conversationId: string,
  addMessage: (m: Message) => void,
): void {
  // Composer: Enter sends, Shift+Enter is a new line, /shortcut inserts a canned response.
  const composer = $<HTMLFormElement>("#composer");
  const reply = $<HTMLTextAreaElement>("#reply");
  const picker = $<HTMLUListElement>("#canned-pick");
  const sentDraft = reply ? keepDraft(reply, `c.${conversationId}`) : () => undefined;
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
      sentDraft();
      addMessage(ack.message as Message);
    }
    reply.focus();
  };
  // First: while a response is being chosen, Enter inserts it instead of sending.
  if (reply && picker) {
    attachCanned(reply, picker, () => ({
      lang: view.dataset.lang,
      name: view.dataset.requesterName,
      ticket: view.dataset.ticket,
    }));
  }
  reply?.addEventListener("input", () => {
    if (!typing) socket.emit("typing", { conversation_id: conversationId, on: true });
    typing = true;
    window.clearTimeout(idle);
    idle = window.setTimeout(stopTyping, 3000);
  });
  reply?.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
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

  // A note names colleagues as a ticket's does: `@` lists them (they are told at once).
  const noteBox = $<HTMLTextAreaElement>("#note");
  const notePick = $<HTMLUListElement>("#note-mention-pick");
  if (noteBox && notePick) attachMentions(noteBox, notePick, () => true);
  $<HTMLFormElement>("#note-form")?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const note = $<HTMLTextAreaElement>("#note");
    const text = note?.value.trim();
    if (!note || !text) return;
    const ack = await call("note", { conversation_id: conversationId, text, client_id: uuid() });
    if (!failed(ack)) note.value = "";
  });
}
