// A ticket's page: reply (with files, over HTTP) or note, edit its fields (`ticket_change`,
// the status offering only the moves its state allows), merge it, and redraw the thread,
// the service level and the panels whenever the ticket changes (`ticket`, then
// `ticket_watch`), whoever changed it.
import { fileSize } from "../common/size";
import { setupAnswers } from "./answers";
import { attachCanned } from "./canned";
import { keepDraft } from "./drafts";
import { $, call, el, failed, localizeTimes, socket, toast, uuid } from "./common";
import { drawCountdowns, runCountdowns, setDeskNow } from "./countdown";
import { label, locale, t, Key } from "./i18n";
import { TicketPage, TicketSummary } from "./protocol";
import { attachMentions } from "./mentionpick";
import { spent, timeline } from "./thread";
import { setupViewers } from "./viewers";

const REPLY_ERRORS = new Set([
  "too_large", "executable", "type_not_allowed", "ticket_closed", "not_found", "invalid_transition",
  "time_spent",
]);

/** Make a ticket page live. */
export function setupTicketPage(section: HTMLElement): void {
  const id = section.dataset.id || "";
  const names = new Map<string, string>();
  section.querySelectorAll<HTMLOptionElement>('#tedit select[name="assignee"] option').forEach(
    (o) => o.value && names.set(o.value, o.dataset.name || o.textContent || ""),
  );
  const edit = $<HTMLFormElement>("#tedit", section);
  let current: TicketSummary | null = null;
  let fields: Record<string, string> = {};
  // The hold date as the `datetime-local` field writes it: the browser's local time.
  const local = (iso?: string | null) => {
    if (!iso) return "";
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 6e4).toISOString().slice(0, 16);
  };

  function drawSla(page: TicketPage): void {
    const sla = page.ticket.sla;
    // The server says what met the first-response target (a reply, or the registration notice).
    const firstMet = $<HTMLElement>("#sla", section)?.dataset.met === "sla_registered"
      ? "sla_registered" : "answered";
    const rows: [string, string | null, boolean][] = [
      ["first_response", sla.first_response_due, Boolean(page.first_response_at)],
      ["resolution", sla.resolution_due, sla.paused || ["resolved", "closed"].includes(page.ticket.status)],
    ];
    for (const [target, due, done] of rows) {
      const dd = $<HTMLElement>(`#sla dd[data-target="${target}"]`, section);
      if (!dd) continue;
      const late = (sla.breached as string[]).includes(target);
      dd.classList.toggle("late", late);
      if (!due) { dd.textContent = "—"; continue; }
      const at = el("time", { text: due });
      at.setAttribute("datetime", due);
      at.setAttribute("data-promised", "");
      const paused = target === "resolution" && sla.paused && done;
      const met = paused ? "sla_paused" : target === "resolution" ? "sla_resolved" : firstMet;
      const after = done
        ? el("span", { className: paused ? "done paused" : "done", text: `· ${t(met)}` })
        : el("span", { className: "countdown" });
      if (!done) {
        after.dataset.due = due;
        if (late) after.setAttribute("data-breached", "");
      }
      dd.replaceChildren(at, " ", after);
    }
    localizeTimes($<HTMLElement>("#sla", section) || undefined);
  }

  function drawEdit(page: TicketPage): void {
    if (!edit || edit.contains(document.activeElement) && edit.dataset.dirty === "yes") return;
    const tk = page.ticket;
    const status = edit.elements.namedItem("status") as HTMLSelectElement | null;
    if (status) {
      const options = [tk.status, ...page.moves].map((s) => {
        const option = el("option", { text: label("ticket", s) });
        option.value = s;
        return option;
      });
      status.replaceChildren(...options);
      status.value = tk.status;
    }
    const set = (name: string, value: string) => {
      const input = edit.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | null;
      if (input) input.value = value;
    };
    set("priority", tk.priority);
    set("type", tk.type);
    set("department", tk.department);
    set("assignee", tk.operator_id || "");
    set("subject", tk.subject);
    set("cc", (tk.cc || []).join(", "));
    set("tags", (tk.tags || []).join(", "));
    set("hold_until", local(tk.hold_until));
    // The browser refuses a past date or one more than a year ahead (the server checks too);
    // the field shows only while "on hold" is chosen (console.css).
    section.querySelectorAll<HTMLInputElement>('input[name="hold_until"]').forEach((hold) => {
      hold.min = local(page.now);
      hold.max = local(new Date(Date.parse(page.now) + 365 * 864e5).toISOString());
    });
    for (const [key, value] of Object.entries(page.fields)) set(`field:${key}`, value);
    edit.dataset.dirty = "no";
  }

  // The reply's "status after sending": the moves the ticket's status allows now.
  const THEN: TicketPage["moves"] = ["pending", "on_hold", "resolved", "closed"];
  function drawThen(page: TicketPage): void {
    const then = $<HTMLSelectElement>("#treply-status", section);
    if (!then || then === document.activeElement) return;
    const chosen = then.value;
    const keep = el("option", { text: t("then_keep") });
    keep.value = "";
    const moves = THEN.filter((s) => page.moves.includes(s)).map((s) => {
      const option = el("option", { text: label("ticket", s) });
      option.value = s;
      return option;
    });
    then.replaceChildren(keep, ...moves);
    then.value = moves.some((o) => o.value === chosen) ? chosen : "";
  }

  function draw(page: TicketPage): void {
    current = page.ticket;
    fields = page.fields;
    // The history names the requester, colleagues and people in Cc as it names operators
    // (ids never collide).
    for (const m of page.messages) {
      if ("author_id" in m && m.author === "requester" && m.author_id && m.author_name) {
        names.set(m.author_id, m.author_name);
      }
    }
    if (page.requester?.name) names.set(page.requester.id, page.requester.name);
    setDeskNow(page.now);
    const tk = page.ticket;
    $<HTMLElement>("#t-subject", section)!.textContent = tk.subject;
    $<HTMLElement>("#t-status", section)!.textContent = label("ticket", tk.status);
    const prio = $<HTMLElement>("#t-prio", section)!;
    prio.textContent = label("priority", tk.priority);
    prio.className = `badge prio prio-${tk.priority}`;
    const hold = $<HTMLElement>("#t-hold", section);
    if (hold) {
      hold.hidden = !tk.hold_until;
      hold.querySelector("time")?.setAttribute("datetime", tk.hold_until || "");
      localizeTimes(hold);
    }
    $<HTMLElement>("#t-tags", section)?.replaceChildren(...(tk.tags || []).flatMap((tag) => {
      const link = el("a", { className: "badge tag", text: tag });
      link.href = `/console/tickets?view=all&tag=${encodeURIComponent(tag)}`;
      return [" ", link];
    }));
    $<HTMLElement>("#timeline", section)?.replaceChildren(
      ...timeline(page.messages, page.events, page.attachments, names),
    );
    drawSla(page);
    drawEdit(page);
    // Who else gets a public reply (the people in Cc).
    const copies = $<HTMLElement>("#treply-cc", section);
    if (copies) {
      copies.hidden = !(tk.cc || []).length;
      const list = copies.querySelector("span");
      if (list) list.textContent = (tk.cc || []).join(", ");
    }
    drawThen(page);
    const csat = $<HTMLElement>("#csat", section);
    if (csat) {
      csat.replaceChildren(page.csat.score
        ? el("span", { className: "rating", text: `${page.csat.score}/5` })
        : t("not_rated"));
      if (page.csat.score && page.csat.comment) csat.append(" " + page.csat.comment);
    }
    const spentTotal = $<HTMLElement>("#t-time", section);
    if (spentTotal) spentTotal.textContent = spent(page.time_spent_minutes ?? 0);
    const files = $<HTMLElement>("#files", section);
    if (files) {
      const items = page.attachments.map((f) => {
        const link = el("a", { text: f.filename });
        link.href = `/console/files/${f.id}`;
        return el("li", {}, link, " ", el("span", { className: "hint", text: `${f.content_type}, ${fileSize(f.size, locale)}` }));
      });
      files.replaceChildren(...(items.length ? items : [el("li", { className: "hint", text: t("no_files") })]));
    }
    drawCountdowns(section);
  }

  async function watch(): Promise<void> {
    const ack = await call("ticket_watch", { ref: id });
    if (!failed(ack)) draw(ack as unknown as TicketPage);
  }

  let timer = 0;
  socket.on("ticket", (tk: TicketSummary) => {
    if (tk.id !== id && tk.merged_into !== id) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(watch, 100);
  });
  socket.on("connect", () => void watch());

  // Reply or note, with files: multipart over HTTP (the socket's frames are small).
  const reply = $<HTMLFormElement>("#treply", section);
  const text = $<HTMLTextAreaElement>("#treply-text", section);
  const typed = setupViewers(section, id, text);
  const sentDraft = text ? keepDraft(text, `t.${id}`) : () => undefined;
  const mentionPicker = $<HTMLUListElement>("#mention-pick", section);
  const internal = $<HTMLInputElement>("#treply-internal", section);
  if (text && mentionPicker) attachMentions(text, mentionPicker, () => !!internal?.checked);
  // A note stays on the problem ticket: it never goes to the linked tickets.
  const linkedBox = $<HTMLInputElement>("#treply-linked", section);
  const noteOnly = () => {
    if (!linkedBox) return;
    linkedBox.disabled = !!internal?.checked;
    if (linkedBox.disabled) linkedBox.checked = false;
  };
  internal?.addEventListener("change", noteOnly);
  reply?.addEventListener("reset", () => window.setTimeout(noteOnly));
  reply?.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!text || !text.value.trim()) return;
    const body = new FormData(reply);
    body.set("client_id", uuid());
    // The hold date goes with "on hold" only, as a time with its zone.
    const hold = String(body.get("hold_until") || "");
    if (hold && body.get("status") === "on_hold") body.set("hold_until", new Date(hold).toISOString());
    else body.delete("hold_until");
    const button = $<HTMLButtonElement>('button[type="submit"]', reply);
    if (button) button.disabled = true;
    let ack: {
      ok: boolean;
      error?: { code: string; message: string };
      linked?: { sent: string[]; refused: Record<string, string> };
    };
    try {
      const response = await fetch(reply.action, {
        method: "POST", body, credentials: "same-origin", headers: { Accept: "application/json" },
      });
      ack = await response.json();
    } catch {
      ack = { ok: false, error: { code: "timeout", message: t("no_answer") } };
    }
    if (button) button.disabled = false;
    if (!ack.ok) {
      const code = ack.error?.code || "";
      toast(REPLY_ERRORS.has(code) ? t(`err_${code}` as Key) : ack.error?.message || t("error"));
      return;
    }
    const internal = (reply.elements.namedItem("internal") as HTMLInputElement | null)?.checked;
    const linked = ack.linked;
    toast(
      internal ? t("note_added")
      : linked ? t("reply_sent_linked", { count: linked.sent.length })
      : t("reply_sent"),
    );
    reply.reset();
    sentDraft();
    showChosen();
    typed();
    const said = $<HTMLElement>("#treply-tags-said", section);
    if (said) said.hidden = true;
    await watch();
  });
  // The files about to go, named in the console's language (the input itself is hidden).
  const picker = $<HTMLInputElement>("#treply-files", section);
  const chosen = $<HTMLElement>("#treply-chosen", section);
  function showChosen(): void {
    if (!picker || !chosen) return;
    const files = Array.from(picker.files || []);
    chosen.textContent = files.map((f) => `${f.name} (${fileSize(f.size, locale)})`).join(", ");
  }
  picker?.addEventListener("change", showChosen);
  setupCanned(section, text, typed);
  if (text) setupAnswers(section, text, typed);

  edit?.addEventListener("input", () => (edit.dataset.dirty = "yes"));
  edit?.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!current) return;
    const value = (name: string) => (edit.elements.namedItem(name) as HTMLInputElement | null)?.value ?? "";
    const request: Record<string, unknown> = { ref: id };
    for (const name of ["status", "priority", "type", "department", "subject"] as const) {
      if (value(name) && value(name) !== String(current[name])) request[name] = value(name);
    }
    const assignee = value("assignee");
    if (assignee !== (current.operator_id || "")) {
      if (assignee) request.assignee = assignee;
      else request.unassign = true;
    }
    const changed: Record<string, string> = {};
    edit.querySelectorAll<HTMLInputElement>('[name^="field:"]').forEach((input) => {
      const key = input.name.slice(6);
      if (input.value !== (fields[key] || "")) changed[key] = input.value;
    });
    if (Object.keys(changed).length) request.fields = changed;
    // Cc: the whole list when it changed (the server checks each address).
    const cc = value("cc").split(/[\s,;]+/).map((a) => a.trim().toLowerCase()).filter(Boolean);
    if ([...cc].sort().join(",") !== [...(current.cc || [])].sort().join(",")) request.cc = cc;
    // Tags likewise (the server writes them lower-case, spaces as "-").
    const tags = value("tags").split(",").map((tag) => tag.trim()).filter(Boolean);
    if (tags.join(",") !== (current.tags || []).join(",")) request.tags = tags;
    // A hold date goes with "on hold" only (leaving the hold removes it on the server).
    const hold = value("hold_until");
    if (value("status") === "on_hold" && hold !== local(current.hold_until)) {
      request.hold_until = hold && new Date(hold).toISOString();
    }
    const ack = await call("ticket_change", request);
    if (failed(ack)) return;
    edit.dataset.dirty = "no";
    toast(t("saved_ticket"));
    await watch();
  });

  $<HTMLFormElement>("#tmerge", section)?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const into = ((event.target as HTMLFormElement).elements.namedItem("into") as HTMLInputElement).value.trim();
    if (!into || !window.confirm(t("confirm_merge", { ref: into }))) return;
    const ack = await call("ticket_merge", { ref: id, into });
    if (failed(ack)) return;
    const target = ack.ticket as TicketSummary;
    toast(t("merged_done", { number: target.number }));
    window.location.href = `/console/t/${target.id}`;
  });

  localizeTimes(section);
  runCountdowns(section, section.dataset.now);
}

/** `/shortcut` in the reply box inserts a canned response (the ticket's language first),
 * addressed to the ticket's requester. */
function setupCanned(section: HTMLElement, box: HTMLTextAreaElement | null, typed: () => void): void {
  const picker = $<HTMLUListElement>("#canned-pick", section);
  if (!box || !picker) return;
  attachCanned(box, picker, () => ({
    lang: section.dataset.lang,
    name: section.dataset.requesterName,
    ticket: section.dataset.number,
  }), (c) => {
    typed();
    // A response that tags ("/facture") adds its tags with the message, in one step; the
    // form says which until it is sent (or the box is emptied).
    const tags = $<HTMLInputElement>("#treply-tags", section);
    const said = $<HTMLElement>("#treply-tags-said", section);
    if (tags && said) {
      tags.value = (c.tags || []).join(",");
      said.textContent = tags.value ? t("canned_adds_tags", { tags: (c.tags || []).join(", ") }) : "";
      said.hidden = !tags.value;
    }
    // A response that moves the ticket ("resolved" with the answer) chooses that status
    // after sending, when the ticket's status allows the move (else it stays as it was).
    const then = $<HTMLSelectElement>("#treply-status", section);
    if (then && c.status && Array.from(then.options).some((o) => o.value === c.status)) {
      then.value = c.status;
    }
  });
}
