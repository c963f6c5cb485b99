// "Turn into a ticket" on a conversation's page: its ticket gets a type, priority and
// fields (or a new ticket is filed on it), through `ticket_from_chat`.
import { $, call, failed, toast } from "./common";
import { t } from "./i18n";
import { TicketSummary } from "./protocol";

/** Wire the conversation page's "Turn into a ticket" form. */
export function setupToTicket(view: HTMLElement, conversationId: string): void {
  const form = $<HTMLFormElement>("#to-ticket-form", view);
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement | null)?.value || "";
    const fields: Record<string, string> = {};
    form.querySelectorAll<HTMLInputElement>('[name^="field:"]').forEach((input) => {
      if (input.value) fields[input.name.slice(6)] = input.value;
    });
    const ack = await call("ticket_from_chat", {
      conversation_id: conversationId,
      type: value("type"),
      priority: value("priority"),
      new: (form.elements.namedItem("new") as HTMLInputElement | null)?.checked || false,
      ...(Object.keys(fields).length ? { fields } : {}),
    });
    if (failed(ack)) return;
    const ticket = ack.ticket as TicketSummary;
    toast(t("ticket_filed", { number: ticket.number }));
    const done = $<HTMLElement>("#to-ticket-done", view);
    const link = done?.querySelector("a");
    if (done && link) {
      link.href = `/console/t/${ticket.id}`;
      link.textContent = `${t("open_ticket_page")} (${ticket.number})`;
      done.hidden = false;
    }
  });
}
