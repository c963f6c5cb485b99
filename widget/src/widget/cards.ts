// The escalation cards (queue, ticket, closed), the offline form, the 1–5 rating form and the
// "Forget me" screens. Forms are built once and kept while shown, so re-rendering the state
// (a new queue position...) never wipes what the visitor typed.

import { h, icon } from "./dom";
import { I18n } from "./i18n";
import { Submit } from "./intents";
import { ContactDetails, ConversationState, Priority, PriorityOut, RatingValue } from "./protocol";

/** What the card says about the conversation's state (null: nothing to say). */
export function stateLines(state: ConversationState, i18n: I18n): string[] | null {
  switch (state.mode) {
    case "queued": {
      const q = state.queue;
      if (!q) return [i18n.t("queued_soon")];
      const lines = [i18n.t("queued", { position: q.position })];
      if (typeof q.estimated_wait_seconds === "number") {
        lines.push(i18n.t("queued_wait", { duration: i18n.duration(q.estimated_wait_seconds) }));
      }
      return lines;
    }
    case "waiting": {
      const lines: string[] = [];
      const ticket = state.ticket;
      // The number, short: the conversation's system line says the whole sentence.
      if (ticket) lines.push(i18n.t("ticket", { number: ticket.number }));
      // A promised time is the header's status already (headerStatus): said once up there,
      // not again right under it.
      // Answered already (from the ticket's page): said so, not "we will answer".
      if (ticket && ticket.answered) lines.push(i18n.t("answered"));
      else if (!(ticket && ticket.reply_expected_by)) lines.push(i18n.t("waiting"));
      return lines;
    }
    case "closed":
      return [i18n.t("closed_state")];
    default:
      return null;
  }
}

let ids = 0;
const uid = (name: string): string => `cd-${name}-${++ids}`;

const PRIORITIES: readonly Priority[] = ["urgent", "high", "normal", "low"];

function field(
  label: string,
  control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement,
  optional: string | null,
  after: HTMLElement | null = null,
): HTMLElement {
  control.id = uid(control.name);
  return h(
    "div",
    { class: "field" },
    h(
      "label",
      { for: control.id },
      label,
      optional ? h("span", { class: "opt" }, ` (${optional})`) : null,
    ),
    control,
    after,
  );
}

/** The priorities the form offers: the desk's (its order, its words where it has them in
 * the widget's language), else the four with the widget's own words. */
function priorityChoices(i18n: I18n, offered: readonly PriorityOut[] | undefined) {
  const desk = offered && offered.length ? offered : PRIORITIES.map((id) => ({ id }));
  return desk.map((p: { id: Priority } & Partial<PriorityOut>) => ({
    id: p.id,
    label: p.label?.[i18n.lang] || i18n.t(`priority_${p.id}`),
    hint: p.definition?.[i18n.lang] || i18n.t(`priority_${p.id}_hint`),
  }));
}

/** The address typed in ``email``, or "" after saying in ``error`` that it is not one
 * (the field marked and focused). */
function checkedEmail(email: HTMLInputElement, error: HTMLElement, i18n: I18n): string {
  error.textContent = "";
  const address = email.value.trim();
  if (!address || !email.checkValidity()) {
    error.textContent = i18n.t("email_invalid");
    email.setAttribute("aria-invalid", "true");
    email.focus();
    return "";
  }
  email.removeAttribute("aria-invalid");
  return address;
}

/** What the desk says shapes the offline form: its priorities, the request's own priority,
 * and whether it serves customers only (the e-mail must be a registered one). */
export interface ContactOptions {
  offered?: readonly PriorityOut[];
  current?: string;
  customersOnly?: boolean;
}

export function contactForm(
  i18n: I18n,
  subject: string,
  submit: Submit<ContactDetails>,
  { offered, current, customersOnly = false }: ContactOptions = {},
): HTMLElement {
  const opt = i18n.t("optional");
  const name = h("input", { name: "name", type: "text", maxlength: 100, autocomplete: "name" });
  const email = h("input", { name: "email", type: "email", required: true, autocomplete: "email" });
  const subj = h("input", { name: "subject", type: "text", maxlength: 200 });
  subj.value = subject.slice(0, 200);
  const description = h("textarea", { name: "description", rows: 4, maxlength: 4000 });
  // Short labels in the select (long ones were cut off), the definition of the one chosen
  // below it.
  const choices = priorityChoices(i18n, offered);
  // The request's own priority (the bot's answer may have raised it), else normal.
  const fallback = choices.some((c) => c.id === current)
    ? current
    : choices.some((c) => c.id === "normal") ? "normal" : choices[0].id;
  const priority = h(
    "select",
    { name: "priority" },
    ...choices.map((c) => h("option", { value: c.id, selected: c.id === fallback }, c.label)),
  );
  const hint = h("p", { class: "hint", id: uid("priority-hint"), "aria-live": "polite" });
  const explain = (): void => {
    hint.textContent = choices.find((c) => c.id === priority.value)?.hint ?? "";
  };
  explain();
  priority.setAttribute("aria-describedby", hint.id);
  priority.addEventListener("change", explain);
  // Said before the visitor types, not only as the refusal after.
  const who = customersOnly
    ? h("p", { class: "hint", id: uid("email-hint") }, i18n.t("email_customers"))
    : null;
  if (who) email.setAttribute("aria-describedby", who.id);
  const error = h("p", { class: "form-error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, i18n.t("contact_send"));
  const form = h(
    "form",
    { class: "form contact", novalidate: true },
    h(
      "div",
      { class: "row" },
      field(i18n.t("name"), name, opt),
      field(i18n.t("email"), email, null),
    ),
    who,
    field(i18n.t("subject"), subj, opt),
    field(i18n.t("description"), description, opt),
    // One priority offered: nothing to choose.
    choices.length > 1 ? field(i18n.t("priority"), priority, null, hint) : null,
    error,
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!checkedEmail(email, error, i18n)) return;
    button.disabled = true;
    const details: ContactDetails = {
      email: email.value.trim(),
      priority: priority.value as Priority,
    };
    for (const [key, input] of [
      ["name", name],
      ["subject", subj],
      ["description", description],
    ] as const) {
      const value = input.value.trim();
      if (value) details[key] = value;
    }
    const problem = await submit(details);
    button.disabled = false;
    if (problem) error.textContent = problem;
  });
  return form;
}

/** "Email me this conversation": one address (the offline form's, when given), then
 * where it went, or why not. */
export function transcriptForm(
  i18n: I18n,
  given: string,
  submit: Submit<string>,
  done: () => void,
): HTMLElement {
  const email = h("input", { name: "email", type: "email", required: true, autocomplete: "email" });
  email.value = given;
  const hint = h("p", { class: "hint", id: uid("transcript-hint") }, i18n.t("transcript_hint"));
  email.setAttribute("aria-describedby", hint.id);
  const error = h("p", { class: "form-error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, i18n.t("transcript_send"));
  const form = h(
    "form",
    { class: "form transcript", novalidate: true },
    field(i18n.t("email"), email, null, hint),
    error,
    button,
  );
  // A mistake said stays until the address changes.
  email.addEventListener("input", () => {
    error.textContent = "";
    email.removeAttribute("aria-invalid");
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const address = checkedEmail(email, error, i18n);
    if (!address) return;
    button.disabled = true;
    const problem = await submit(address);
    button.disabled = false;
    if (problem) {
      error.textContent = problem;
      return;
    }
    const back = h(
      "button",
      { type: "button", class: "secondary", onclick: done },
      i18n.t("back_to_chat"),
    );
    form.replaceChildren(
      h("p", { class: "sent", role: "status" }, i18n.t("transcript_sent", { email: address })),
      back,
    );
    back.focus();
  });
  return form;
}

export function ratingForm(i18n: I18n, submit: Submit<RatingValue>): HTMLElement {
  const group = uid("score");
  const stars = [1, 2, 3, 4, 5].map((n) => {
    const input = h("input", {
      type: "radio",
      name: group,
      value: n,
      id: `${group}-${n}`,
      class: "sr",
    });
    return [
      input,
      h(
        "label",
        { for: input.id, title: i18n.count("star", n) },
        h("span", { "aria-hidden": "true" }, "★"),
        h("span", { class: "sr" }, i18n.count("star", n)),
      ),
    ] as const;
  });
  const comment = h("textarea", { name: "comment", rows: 2, maxlength: 2000 });
  const error = h("p", { class: "form-error", role: "alert" });
  const button = h("button", { type: "submit", class: "primary" }, i18n.t("rating_send"));
  const form = h(
    "form",
    { class: "card form" },
    h(
      "fieldset",
      { class: "stars" },
      h("legend", { class: "card-title" }, i18n.t("rating_title")),
      ...stars.flat(),
    ),
    field(i18n.t("comment"), comment, i18n.t("optional")),
    error,
    button,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const picked = stars.find(([input]) => input.checked);
    if (!picked) {
      stars[4][0].focus();
      return;
    }
    button.disabled = true;
    const value: RatingValue = { score: Number(picked[0].value) };
    if (comment.value.trim()) value.comment = comment.value.trim();
    const problem = await submit(value);
    button.disabled = false;
    if (problem) error.textContent = problem;
  });
  return form;
}

/** A panel over the conversation with a title and a close button (the offline form). */
export function sheet(
  title: string,
  closeLabel: string,
  content: HTMLElement,
  close: () => void,
): HTMLElement {
  const id = uid("sheet");
  const button = h("button", {
    type: "button",
    class: "icon-btn",
    "aria-label": closeLabel,
    title: closeLabel,
    onclick: close,
  });
  button.appendChild(icon("close"));
  content.setAttribute("aria-labelledby", id);
  return h(
    "div",
    { class: "sheet-inner" },
    h("div", { class: "sheet-head" }, h("h3", { id }, title), button),
    content,
  );
}

export function forgetScreen(
  i18n: I18n,
  confirm: () => void,
  cancel: () => void,
  keptDays?: number | null,
): HTMLElement {
  const title = uid("forget");
  return h(
    "div",
    { class: "screen-inner", role: "alertdialog", "aria-labelledby": title },
    h("h3", { id: title }, i18n.t("forget_title")),
    h("p", null, i18n.t("forget_text")),
    // The desk's retention policy: what happens without "forget me" (docs/protocol.md).
    keptDays ? h("p", { class: "hint" }, i18n.t("forget_kept", { days: keptDays })) : null,
    h("p", { class: "form-error", role: "alert" }),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", class: "danger", onclick: confirm }, i18n.t("forget_confirm")),
      h("button", { type: "button", class: "secondary", onclick: cancel }, i18n.t("cancel")),
    ),
  );
}

export function blockedScreen(i18n: I18n): HTMLElement {
  return h("div", { class: "screen-inner", role: "status" }, h("p", null, i18n.t("blocked")));
}

export function forgottenScreen(i18n: I18n, restart: () => void): HTMLElement {
  return h(
    "div",
    { class: "screen-inner", role: "status" },
    h("p", null, i18n.t("forgotten")),
    h("button", { type: "button", class: "primary", onclick: restart }, i18n.t("start_new")),
  );
}
