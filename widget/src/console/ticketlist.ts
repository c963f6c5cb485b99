// A ticket view: rows redrawn live when any ticket changes (the `ticket` event every
// console gets), countdowns, and bulk assign / status / close / tag / spam of the selected
// rows.
import { $, call, el, failed, localizeTimes, socket, timeOf, toast } from "./common";
import { drawCountdowns, runCountdowns } from "./countdown";
import { departmentName, label, t } from "./i18n";
import { TicketPresence, TicketSummary } from "./protocol";
import { BEAT_MS, personChip, Tabs } from "./viewers";

/** A list row's problem-ticket chip: the problem it is linked to, or how many are linked
 * to it (the `tickets` page says; a single `ticket` event does not, the next page does). */
function linkChip(tk: TicketSummary): HTMLElement[] {
  if (tk.problem) return [el("span", { className: "badge linked", text: t("linked_to_problem", { ref: tk.problem }) })];
  const n = tk.linked || 0;
  if (!n) return [];
  return [el("span", { className: "badge linked", text: n === 1 ? t("problem_links_one") : t("problem_links", { count: n }) })];
}

/** The row of one ticket, as the server's _ticket_row.html draws it. */
export function ticketRow(tk: TicketSummary, names: Map<string, string>, picked: boolean): HTMLLIElement {
  const breached = tk.sla.breached.length > 0;
  const pick = el("input", { className: "pick" });
  pick.type = "checkbox";
  pick.name = "ticket";
  pick.value = tk.id;
  pick.checked = picked;
  pick.setAttribute("aria-label", t("select_ticket", { number: tk.number }));
  const link = el("a", { className: "tlink" },
    el("span", { className: "ticket", text: tk.number }),
    el("span", { className: "subject", text: tk.subject }),
    ...(tk.tags || []).map((tag) => el("span", { className: "badge tag", text: tag })),
    ...linkChip(tk),
    el("span", { className: "badge status", text: label("ticket", tk.status) }),
    ...(tk.hold_until ? [el("span", { className: "badge hold" }, `${t("hold_chip")} `, timeOf(tk.hold_until))] : []),
    el("span", { className: "badge prio", text: label("priority", tk.priority) }),
    el("span", { className: "kind", text: label("type", tk.type) }),
    el("span", { className: "dept", text: departmentName(tk.department) }),
    el("span", { className: "who", text: tk.requester.name || tk.requester.email || "—" }),
    el("span", { className: "op", text: (tk.operator_id && names.get(tk.operator_id)) || t("nobody") }),
  );
  link.href = `/console/t/${tk.id}`;
  if (tk.next_due) {
    const time = el("time", { text: tk.next_due });
    time.setAttribute("datetime", tk.next_due);
    time.dataset.due = tk.next_due;
    if (breached) time.setAttribute("data-breached", "");
    link.append(el("span", { className: `due${breached ? " late" : ""}` }, t("due") + " ", time));
  } else if (breached) {
    link.append(el("span", { className: "due late", text: t("breached") }));
  }
  const row = el("li", {
    className: `trow prio-${tk.priority} status-${tk.status}${breached ? " is-breached" : ""}`,
  }, pick, link);
  row.dataset.id = tk.id;
  return row;
}

/** Show on each row who else has the ticket open (`ticket_viewers`, told to every console
 * of every ticket it may see); return what redraws them (after the rows are redrawn). */
function setupRowViewers(section: HTMLElement): () => void {
  const onTicket = new Map<string, Tabs>();
  const draw = (): void => {
    for (const row of section.querySelectorAll<HTMLElement>("li.trow")) {
      const people = onTicket.get(row.dataset.id || "")?.people() || [];
      let line = row.querySelector<HTMLElement>(".onit");
      if (!people.length) {
        line?.remove();
        continue;
      }
      if (!line) row.append((line = el("span", { className: "onit" })));
      line.classList.toggle("replying", people.some((p) => p.state === "replying"));
      line.replaceChildren(...people.map((p) => personChip(p, true)));
    }
  };
  socket.on("ticket_viewers", (p: TicketPresence) => {
    let tabs = onTicket.get(p.ticket_id);
    if (!tabs) onTicket.set(p.ticket_id, (tabs = new Tabs()));
    tabs.hear(p);
    draw();
  });
  // Every ticket page says at once who is on it, rather than at its next beat.
  const rollCall = (): void => void call("ticket_roll_call", {});
  socket.on("connect", rollCall);
  if (socket.connected) rollCall();
  window.setInterval(draw, BEAT_MS); // the silent ones go
  return draw;
}

/** What the page's URL asks for, as a `tickets` request. */
function wanted(): Record<string, unknown> {
  const query = new URLSearchParams(window.location.search);
  const data: Record<string, unknown> = {};
  for (const name of ["status", "type", "priority"]) {
    const values = query.getAll(name).filter(Boolean);
    if (values.length) data[name] = values;
  }
  for (const name of ["view", "department", "assignee", "requester", "org", "problem", "tag", "q", "sort"]) {
    const value = query.get(name);
    if (value) data[name] = value;
  }
  const page = Number(query.get("page") || "1");
  if (page > 1) data.page = page;
  return data;
}

/** Make a ticket view live. */
export function setupTicketList(section: HTMLElement): void {
  const list = $<HTMLUListElement>("#tlist", section);
  const names = new Map<string, string>();
  section.querySelectorAll<HTMLOptionElement>('#bulk select[name="assignee"] option').forEach(
    (o) => names.set(o.value, o.textContent || ""),
  );
  const drawViewers = setupRowViewers(section);
  const picks = () => Array.from(section.querySelectorAll<HTMLInputElement>("input.pick"));
  const picked = () => picks().filter((p) => p.checked).map((p) => p.value);
  const showPicked = () => {
    const count = $<HTMLElement>("#picked", section);
    const n = picked().length;
    if (count) count.textContent = n ? String(n) : "";
  };

  async function refresh(): Promise<void> {
    const ack = await call("tickets", wanted());
    if (failed(ack)) return;
    const keep = new Set(picked());
    const tickets = ack.tickets as TicketSummary[];
    list?.replaceChildren(...tickets.map((tk) => ticketRow(tk, names, keep.has(tk.id))));
    const empty = $<HTMLElement>(".empty", section);
    if (empty) empty.hidden = tickets.length > 0;
    const total = $<HTMLElement>("#total", section);
    const n = ack.total as number;
    if (total) total.textContent = n === 1 ? t("tickets_one") : t("tickets_total", { total: n });
    drawCountdowns(section);
    drawViewers();
    showPicked();
  }

  let timer = 0;
  socket.on("ticket", () => {
    // Debounced: a bulk action is a burst of changes, one refresh.
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 150);
  });
  socket.on("connect", () => void refresh());

  section.addEventListener("change", (event) => {
    const target = event.target as HTMLInputElement;
    if (target.id === "pick-all") picks().forEach((p) => (p.checked = target.checked));
    showPicked();
  });
  section.addEventListener("click", async (event) => {
    const action = (event.target as HTMLElement).closest("button")?.dataset.bulk;
    if (!action) return;
    const refs = picked();
    if (!refs.length) return toast(t("choose_tickets"));
    let request: Record<string, unknown>;
    if (action === "close") {
      if (!window.confirm(t("confirm_bulk_close", { n: refs.length }))) return;
      request = { refs, close: true };
    } else if (action === "spam") {
      // As the ticket page's default: each requester's address is blocked too.
      if (!window.confirm(t("confirm_bulk_spam", { n: refs.length }))) return;
      request = { refs, spam: true, block: true };
    } else if (action === "tag") {
      const tag = $<HTMLInputElement>('#bulk input[name="tag"]', section)?.value.trim() || "";
      if (!tag) return toast(t("choose_tag"));
      request = { refs, tag };
    } else if (action === "link") {
      const problem = $<HTMLInputElement>('#bulk input[name="problem"]', section)?.value.trim() || "";
      if (!problem) return toast(t("choose_problem"));
      request = { refs, problem };
    } else if (action === "status") {
      // Each ticket moves through the state machine: a move its status forbids is refused.
      request = { refs, status: $<HTMLSelectElement>('#bulk select[name="status"]', section)?.value };
    } else {
      const who = $<HTMLSelectElement>('#bulk select[name="assignee"]', section)?.value;
      request = { refs, assignee: who };
    }
    const ack = await call("ticket_bulk", request);
    if (failed(ack)) return;
    const refused = Object.keys(ack.refused as Record<string, string>).length;
    toast(t("bulk_done", { changed: (ack.changed as string[]).length, refused }));
    const all = $<HTMLInputElement>("#pick-all", section);
    if (all) all.checked = false;
    picks().forEach((p) => (p.checked = false));
    await refresh();
  });
  localizeTimes(section); // the hold dates (the countdowns then write their own)
  runCountdowns(section, section.dataset.now);
}
