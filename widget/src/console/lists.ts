// The inbox lists (queue, mine, all), refreshed from the server when a conversation changes.
import { $, call, el, failed, localizeTimes, socket, Summary, when } from "./common";
import { setCounts } from "./header";

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
      setCounts(ack.counts as Record<string, number>);
      if (focused) $<HTMLElement>(`li.conv[data-id="${focused}"] a`, inbox)?.focus();
  }
  socket.on("conversation", () => {
    // Debounced: a burst of changes (a queue moving) is one refresh.
    window.clearTimeout(refreshTimer);
    refreshTimer = window.setTimeout(refreshList, 150);
  });
  socket.on("connect", refreshList);
  localizeTimes(inbox);
}
