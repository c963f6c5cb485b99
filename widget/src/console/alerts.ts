// Operators are alerted: a new conversation in the queue, a visitor writing in one of
// mine while the tab is hidden, a colleague's note naming me (`mention`, `chat_mention`), a ticket of mine
// back from its hold date (`hold_ended`), make a short tone (WebAudio, made here: no sound file), a
// browser notification (once the operator allowed them, from a click) and count in the
// tab's title: "(3) Queue · chatdesk console".
import { Chime } from "../common/chime";
import { $, call, me, socket, toast } from "./common";
import { t } from "./i18n";
import { ChatMention, HoldEnded, Mention, Summary } from "./protocol";
import { plainText } from "./lists";

export function setupAlerts(): void {
  const button = $<HTMLButtonElement>("#alerts");
  const title = document.title;
  let unread = 0;
  const chime = new Chime();
  const queued = new Set<string>(); // conversations known to be in the queue
  // My live conversations, with the time of the last visitor message seen ("" for none).
  const mine = new Map<string, string>();
  let seeded = false;

  const supported = "Notification" in window;
  const showButton = (): void => {
    if (button) button.hidden = !supported || Notification.permission !== "default";
  };
  showButton();

  // Browsers let a page make sound only after a gesture: the first click or key does it.
  const unlock = (): void => chime.unlock();
  document.addEventListener("pointerdown", unlock);
  document.addEventListener("keydown", unlock);

  button?.addEventListener("click", async () => {
    unlock();
    if (!supported) return;
    const permission = await Notification.requestPermission();
    toast(permission === "granted" ? t("alerts_on") : t("alerts_blocked"));
    showButton();
  });

  function alert(heading: string, body: string, tag: string, href = `/console/c/${tag}`): void {
    chime.play();
    if (document.visibilityState === "visible") return; // the operator sees it already
    unread += 1;
    document.title = `(${unread}) ${title}`;
    if (supported && Notification.permission === "granted") {
      const shown = new Notification(heading, { body, tag });
      shown.addEventListener("click", () => {
        window.focus();
        window.location.href = href;
        shown.close();
      });
    }
  }

  // A colleague's internal note names me: said at once, and alerted like a message.
  socket.on("mention", (m: Mention) => {
    const heading = t("alert_mention", { name: m.by, number: m.number });
    toast(`${heading} · ${m.subject}`);
    alert(heading, m.text, `mention-${m.ticket_id}`, `/console/t/${m.ticket_id}`);
  });
  // ... or on a chat (a chat is live: the console alone says it).
  socket.on("chat_mention", (m: ChatMention) => {
    const heading = t("alert_chat_mention", { name: m.by });
    toast(`${heading} · ${m.text.slice(0, 80)}`);
    alert(heading, m.text, `mention-${m.conversation_id}`, `/console/c/${m.conversation_id}`);
  });

  // A ticket of mine was on hold until a date that has come: it is open again.
  socket.on("hold_ended", (h: HoldEnded) => {
    const heading = t("alert_hold", { number: h.number });
    toast(`${heading} · ${h.subject}`);
    alert(heading, h.subject, `hold-${h.ticket_id}`, `/console/t/${h.ticket_id}`);
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState !== "visible") return;
    unread = 0;
    document.title = title;
  });

  // What is there when the console connects is not new.
  socket.on("connect", async () => {
    const [queue, own] = await Promise.all([
      call("inbox", { view: "queue" }),
      call("inbox", { view: "mine" }),
    ]);
    if (queue.ok) for (const c of queue.conversations as Summary[]) queued.add(c.id);
    if (own.ok) for (const c of own.conversations as Summary[]) remember(c);
    seeded = true;
  });

  /** Note the last visitor message of one of mine; return what was noted before. */
  function remember(c: Summary): string | undefined {
    const before = mine.get(c.id);
    const last = c.last_message;
    mine.set(c.id, last && last.author === "visitor" ? last.ts : before || "");
    return before;
  }

  socket.on("conversation", (c: Summary) => {
    if (!seeded) return;
    const waiting = c.mode === "queued" || c.mode === "waiting";
    if (waiting && !queued.has(c.id)) {
      alert(t("alert_queued"), c.ticket ? c.ticket.subject : t("a_visitor"), c.id);
    }
    if (waiting) queued.add(c.id);
    else queued.delete(c.id);
    const last = c.last_message;
    if (c.mode !== "live" || !c.operator || c.operator.id !== me) {
      mine.delete(c.id);
      return;
    }
    // Just became mine: what is there is not new; after that, a later visitor message is.
    const before = remember(c);
    const fresh = before !== undefined && last && last.author === "visitor" && last.ts > before;
    if (fresh && document.visibilityState !== "visible") {
      const name = (c.ticket && c.ticket.requester_name) || t("a_visitor");
      alert(t("alert_message", { name }), plainText(last.text), c.id);
    }
  });
}
