// Escalation: asking for a person, the conversation's state (queue, operator, ticket, closed)
// in the strip under the header, the offline form over the conversation, and the rating card.

import { contactForm, ContactDetails, ratingForm, RatingValue, sheet, stateLines } from "./cards";
import { fill, h, sync } from "./dom";
import { I18n } from "./i18n";
import { Ack, ConversationState, ErrorInfo, readState } from "./protocol";
import type { Widget } from "./widget";

export class Escalation {
  private contactDone: string | null = null; // the e-mail address given in the offline form
  private ratingDone = false;
  // The forms, kept while shown so that a re-render never wipes what the visitor typed.
  private contactEl: HTMLElement | null = null;
  private ratingEl: HTMLElement | null = null;

  constructor(private readonly w: Widget) {}

  async escalate(): Promise<void> {
    const { w } = this;
    if (w.phase !== "ready") {
      w.lifecycle.connect();
      w.view.notify(w.i18n.t("not_connected"));
      return;
    }
    let ack: Ack<{ state?: unknown }>;
    try {
      ack = await w.link.call("escalate", {});
    } catch {
      w.view.notify(w.i18n.t("not_connected"));
      return;
    }
    if (ack === undefined) {
      // A desk without the `escalate` event: ask in words, which its bot understands.
      w.messages.send(w.i18n.t("person_request"));
    } else if (ack.ok) {
      if (ack.state) this.applyState(readState(ack.state));
    } else {
      w.view.notify(w.i18n.t("error"));
    }
  }

  applyState(state: ConversationState): void {
    const { w } = this;
    const modeChanged = state.mode !== w.state.mode;
    w.state = state;
    if (state.mode !== "bot") w.typing.thinkingAfter = null;
    if (modeChanged) w.messages.redraw(); // choices follow the mode
    if (!state.rating_requested) this.ratingDone = false;
    w.view.renderHeader();
    this.renderCards();
    w.view.renderChips();
  }

  /** A new conversation: what was given in the last one's forms does not apply. */
  reset(): void {
    this.contactDone = null;
    this.ratingDone = false;
    this.dropForms();
  }

  /** Forget the forms' elements (a new frame builds them again, in its language). */
  dropForms(): void {
    this.contactEl = this.ratingEl = null;
  }

  /** The rating form, after the conversation, at the end of the messages. */
  renderCards(): void {
    const { w } = this;
    const { i18n, state } = w;
    const cards: Node[] = [];
    if (this.ratingDone) {
      cards.push(h("p", { class: "card done", role: "status" }, i18n.t("rating_thanks")));
    } else if (state.mode === "closed" && state.rating_requested && w.phase !== "forgotten") {
      this.ratingEl = this.ratingEl || ratingForm(i18n, (v) => this.submitRating(v));
      cards.push(this.ratingEl);
    }
    // A form that stays is not re-inserted: that would take the focus from the visitor.
    const stick = w.view.nearEnd();
    sync(w.ui.cards, cards);
    if (stick) w.view.scrollToEnd();
    this.renderStrip();
  }

  /** The conversation's state, pinned under the header: queue, ticket, reply time. */
  private renderStrip(): void {
    const { i18n, state, phase, ui } = this.w;
    const lines = phase === "forgotten" ? null : stateLines(state, i18n);
    const parts: Node[] = [];
    if (lines) {
      if (this.contactDone) lines.push(i18n.t("contact_thanks", { email: this.contactDone }));
      parts.push(h("div", { role: "status" }, ...lines.map((line) => h("p", null, line))));
      if (state.mode === "waiting" && state.offline_form && !this.contactDone) {
        parts.push(
          h(
            "button",
            { type: "button", class: "primary", onclick: () => this.openContact() },
            i18n.t("contact_open"),
          ),
        );
      }
    }
    fill(ui.strip, ...parts);
  }

  /** The offline form, over the conversation (it is long; the messages stay underneath). */
  private openContact(): void {
    const { i18n, state, thread, ui, panel } = this.w;
    if (!this.contactEl) {
      const first = thread.items.find((i) => i.author === "visitor");
      const subject = (state.ticket && state.ticket.subject) || (first ? first.text : "");
      this.contactEl = contactForm(i18n, subject, (d) => this.submitContact(d));
    }
    fill(
      ui.screen,
      sheet(i18n.t("contact_title"), i18n.t("cancel"), this.contactEl, () => panel.hideScreen()),
    );
    ui.screen.classList.add("sheet");
    ui.screen.hidden = false;
    this.contactEl.querySelector("input")?.focus();
  }

  private async submitContact(details: ContactDetails): Promise<string | null> {
    const { w } = this;
    let ack: Ack<{ state?: unknown }>;
    try {
      ack = await w.link.call("contact", details);
    } catch {
      return w.i18n.t("not_connected");
    }
    if (!ack) return w.i18n.t("error");
    if (!ack.ok) {
      const badEmail = ack.error.code === "invalid_email" || /e-?mail/i.test(ack.error.message);
      return badEmail ? w.i18n.t("email_invalid") : errorText(w.i18n, ack.error);
    }
    this.contactDone = details.email;
    this.contactEl = null;
    w.panel.hideScreen();
    if (ack.state) this.applyState(readState(ack.state));
    else this.renderCards();
    return null;
  }

  private async submitRating(value: RatingValue): Promise<string | null> {
    const { w } = this;
    let ack: Ack;
    try {
      ack = await w.link.call("rate", value);
    } catch {
      return w.i18n.t("not_connected");
    }
    if (!ack || !ack.ok) return w.i18n.t("error");
    this.ratingDone = true;
    this.ratingEl = null;
    this.renderCards();
    return null;
  }
}

function errorText(i18n: I18n, error: ErrorInfo): string {
  return error.code === "rate_limited" || error.code === "store_unavailable"
    ? i18n.t("not_connected")
    : i18n.t("error");
}
