// What the operator can do with a conversation, in its current mode: claim, close, hand back,
// transfer, block its visitor, mail it, reopen, write. What cannot be used now is disabled, and the composer says why.
import { $, call, el, failed, me, toast } from "./common";
import { label, t } from "./i18n";
import { OperatorInfo, Summary } from "./protocol";

/** Make the action card live; returns the function that sets it for a summary. */
export function setupActions(view: HTMLElement, conversationId: string): (c: Summary) => void {
  const button = (action: string) => $<HTMLButtonElement>(`[data-action="${action}"]`, view);

  async function act(action: string, data: Record<string, unknown> = {}): Promise<boolean> {
    return !failed(await call(action, { conversation_id: conversationId, ...data }));
  }

  view.addEventListener("click", async (event) => {
    const target = (event.target as HTMLElement).closest("button");
    const action = target?.dataset.action;
    if (!action || target.disabled) return;
    if (action === "claim") {
      const ack = await call("claim", { conversation_id: conversationId });
      if (failed(ack)) return;
      // Usable at once (the summary every console gets may come a moment later).
      if (ack.conversation) apply(ack.conversation as Summary);
      $<HTMLTextAreaElement>("#reply")?.focus();
    }
    if (action === "close" && window.confirm(t("confirm_close"))) await act("close");
    if (action === "handback") await act("handback");
    if (action === "block" && window.confirm(t("confirm_block"))) {
      const days = Number($<HTMLSelectElement>('select[name="days"]', view)?.value || "7");
      if (await act("block_visitor", { days })) {
        toast(t("visitor_blocked"));
        const note = $<HTMLElement>("#blocked-note", view);
        const text = $<HTMLElement>("#blocked-text", view);
        if (text) text.textContent = t("visitor_blocked");
        if (note) note.hidden = false;
        const reopen = button("reopen");
        if (reopen) reopen.hidden = true;
      }
    }
    if (action === "unblock" && (await act("unblock_visitor"))) {
      toast(t("visitor_unblocked"));
      const note = $<HTMLElement>("#blocked-note", view);
      if (note) note.hidden = true;
      const reopen = button("reopen");
      if (reopen) reopen.hidden = view.dataset.mode !== "closed";
    }
    if (action === "transcript") {
      const input = $<HTMLInputElement>('input[name="transcript_email"]', view);
      if (!input?.reportValidity()) return;
      const ack = await call("transcript", { conversation_id: conversationId, email: input.value });
      if (!failed(ack)) toast(t("transcript_sent", { email: String(ack.email) }));
    }
    if (action === "reopen") {
      const ack = await call("reopen", { conversation_id: conversationId });
      if (!failed(ack)) {
        toast(t("reopened"));
        if (ack.conversation) apply(ack.conversation as Summary);
        $<HTMLTextAreaElement>("#reply")?.focus();
      }
    }
    if (action === "transfer-department") {
      const select = $<HTMLSelectElement>('select[name="department"]', view);
      if (select && (await act("transfer", { department: select.value }))) toast(t("transferred"));
    }
    if (action === "transfer-operator") {
      const select = $<HTMLSelectElement>('select[name="operator"]', view);
      if (select?.value && (await act("transfer", { operator_id: select.value }))) {
        toast(t("transferred"));
      }
    }
  });

  // The operators one can transfer to: online, not me, with room for one more.
  $<HTMLDetailsElement>(".transfer", view)?.addEventListener("toggle", async (event) => {
    if (!(event.target as HTMLDetailsElement).open) return;
    const ack = await call("operators", {});
    if (failed(ack)) return;
    const select = $<HTMLSelectElement>('select[name="operator"]', view);
    const send = button("transfer-operator");
    const available = (ack.operators as OperatorInfo[]).filter(
      (o) => o.id !== me && o.status === "online" && (o.capacity == null || (o.load ?? 0) < o.capacity),
    );
    const options = available.map((o) => {
      const status = label("status", o.status ?? "offline");
      const text = t("operator_option", { name: o.name, status, load: o.load ?? 0 });
      const option = el("option", { text });
      option.value = o.id;
      return option;
    });
    if (options.length === 0) {
      const nobody = el("option", { text: t("nobody_available") });
      nobody.value = "";
      options.push(nobody);
    }
    select?.replaceChildren(...options);
    if (select) select.disabled = available.length === 0;
    if (send) send.disabled = available.length === 0;
  });

  function apply(c: Summary): void {
    const mine = c.mode === "live" && c.operator?.id === me;
    view.dataset.mode = c.mode;
    view.dataset.mine = mine ? "yes" : "no";
    const claim = button("claim");
    if (claim) claim.disabled = mine || !(c.mode === "queued" || c.mode === "waiting");
    for (const action of ["close", "handback"]) {
      const b = button(action);
      if (b) b.disabled = !mine;
    }
    const reopen = button("reopen");
    // A blocked visitor's conversation is not reopened (nobody could read it).
    const blocked = $<HTMLElement>("#blocked-note", view)?.hidden === false;
    if (reopen) reopen.hidden = c.mode !== "closed" || blocked;
    view.querySelectorAll<HTMLFieldSetElement>(".transfer fieldset").forEach((f) => {
      f.disabled = !mine;
    });
    // The composer: usable only in my own live conversation; otherwise it says why.
    let reason = "";
    if (!mine) {
      if (c.mode === "closed") reason = t("reason_closed");
      else if (c.mode === "queued" || c.mode === "waiting") reason = t("reason_claim");
      else if (c.mode === "live" && c.operator) reason = t("reason_other", { name: c.operator.name });
      else reason = t("reason_bot");
    }
    const why = $<HTMLElement>("#composer-reason", view);
    if (why) {
      why.textContent = reason;
      why.hidden = !reason;
    }
    const reply = $<HTMLTextAreaElement>("#reply", view);
    if (reply) reply.disabled = !mine;
    const send = $<HTMLButtonElement>('#composer button[type="submit"]', view);
    if (send) send.disabled = !mine;
  }
  return apply;
}
