// The inbox lists (queue, mine, all), refreshed from the server when a conversation changes.
import { $, call, el, failed, localizeTimes, socket, timeOf } from "./common";
import { setCounts } from "./header";
import { colon, departmentName, label, t } from "./i18n";
import { Counts, Summary } from "./protocol";

// Markdown marks that make a one-line preview unreadable ("**Factures**: ...").
const MARKS = /(\*\*|__|`|^#{1,6}\s+|^>\s?|^\s*(?:[-*+]|\d+\.)\s+)/gm;
const LINK = /!?\[([^\]]*)\]\([^)]*\)/g;
const EMPHASIS = /(?<!\w)[*_](\S[^*_]*?)[*_](?!\w)/g;

/** `markdown` without its marks, on one line (as chatdesk/web/console.py's plain_text). */
export function plainText(markdown: string): string {
  const text = markdown.replace(LINK, "$1").replace(MARKS, "").replace(EMPHASIS, "$1");
  return text.split(/\s+/).filter(Boolean).join(" ");
}

function summaryRow(c: Summary): HTMLLIElement {
  const link = el("a");
  link.href = `/console/c/${c.id}`;
  link.append(
    el("span", { className: "badge mode", text: label("mode", c.mode) }),
    c.ticket ? el("span", { className: "ticket", text: c.ticket.number }) : "",
    el("span", { className: "subject", text: c.ticket ? c.ticket.subject : t("no_ticket_subject") }),
    c.priority ? el("span", { className: "badge prio", text: label("priority", c.priority) }) : "",
    c.department ? el("span", { className: "dept", text: departmentName(c.department) }) : "",
    el("span", { className: "lang", text: c.lang }),
    c.operator ? el("span", { className: "op", text: c.operator.name }) : "",
  );
  if (c.last_message) {
    const who = label("author", c.last_message.author);
    const last = el("span", { className: "last" }, el("b", { text: `${who}${colon} ` }));
    last.append(plainText(c.last_message.text));
    // The visitor saw this reply of ours: on the preview's line.
    if (c.seen) last.append(el("span", { className: "seen", text: `· ${t("seen_by_visitor")}` }));
    link.append(last);
  }
  if (c.queued_at) {
    const time = timeOf(c.queued_at);
    link.append(time);
  }
  const row = el("li", { className: `conv mode-${c.mode} prio-${c.priority || "none"}` }, link);
  row.dataset.id = c.id;
  return row;
}

/** Make an inbox page live. */
export function setupLists(inbox: HTMLElement): void {
  let refreshTimer = 0;
  async function refreshList(): Promise<void> {
    const ack = await call("inbox", { view: inbox.dataset.view });
    if (failed(ack)) return;
    const list = $<HTMLElement>("#list", inbox);
    const focused = (document.activeElement?.closest("li.conv") as HTMLElement | null)?.dataset.id;
    list?.replaceChildren(...(ack.conversations as Summary[]).map(summaryRow));
    const empty = $<HTMLElement>(".empty", inbox);
    if (empty) empty.hidden = (ack.conversations as Summary[]).length > 0;
    setCounts(ack.counts as Counts);
    if (focused) $<HTMLElement>(`li.conv[data-id="${focused}"] a`, inbox)?.focus();
  }
  socket.on("conversation", () => {
    // Debounced: a burst of changes (a queue moving) is one refresh.
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refreshList, 150);
  });
  // A visitor saw the last reply: its row says "Seen" (the same debounced refresh).
  socket.on("read", () => {
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refreshList, 150);
  });
  socket.on("connect", refreshList);
  localizeTimes(inbox);
}
