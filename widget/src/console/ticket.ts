// The ticket panel, drawn from each new summary (a rating or a new subject shows at once),
// and the subject, editable by operators (`ticket_update`).
import { $, call, el, failed, promised, toast } from "./common";
import { departmentName, label, t } from "./i18n";
import { Summary } from "./protocol";

/** Make the ticket panel live; returns the function that draws a summary into it. */
export function setupTicket(view: HTMLElement, conversationId: string): (c: Summary) => void {
  const form = $<HTMLFormElement>("#subject-form", view);
  const input = $<HTMLInputElement>("#subject", view);
  let saved = input ? input.value : "";
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const subject = input?.value.trim();
    if (!input || !subject) return;
    const ack = await call("ticket_update", { conversation_id: conversationId, subject });
    if (failed(ack)) return;
    saved = subject;
    toast(t("saved"));
    if (ack.conversation) draw(ack.conversation as Summary);
  });

  function row(term: string, ...value: (Node | string)[]): Node[] {
    return [el("dt", { text: term }), el("dd", {}, ...value)];
  }

  function draw(c: Summary): void {
    const ticket = c.ticket;
    const status = $<HTMLElement>(".ticket .status", view);
    if (status && ticket) status.textContent = label("ticket", ticket.status);
    // Not while the operator edits it: a live update must not take their text away.
    if (input && ticket && document.activeElement !== input && input.value === saved) {
      input.value = saved = ticket.subject;
    }
    const details = $<HTMLElement>("#ticket-details", view);
    if (details && ticket) {
      // Answered: when; else when the first reply is due.
      const at = ticket.first_response_at || ticket.reply_expected_by;
      const due = el("time", { text: promised(at) });
      if (at) due.setAttribute("datetime", at);
      const rows = [
        ...row(t("priority"), label("priority", ticket.priority)),
        ...row(t("department"), departmentName(ticket.department)),
        ...row(t(ticket.first_response_at ? "first_reply" : "first_reply_due"), due),
      ];
      if (ticket.requester_email) {
        rows.push(...row(t("requester"), `${ticket.requester_name} <${ticket.requester_email}>`));
      }
      if (ticket.description) rows.push(...row(t("description"), ticket.description));
      if (ticket.rating) {
        rows.push(...row(t("rating"), `${ticket.rating}/5 ${ticket.rating_comment || ""}`.trim()));
        (rows[rows.length - 1] as HTMLElement).classList.add("rating");
      }
      details.replaceChildren(...rows);
    }
    const mode = $<HTMLElement>("dd.mode", view);
    if (mode) mode.textContent = label("mode", c.mode);
  }
  return draw;
}
