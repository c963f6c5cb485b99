// What covers the conversation: the offline form (a sheet; the messages stay underneath),
// "Forget me?", "forgotten" and "blocked". Focus moves into what appears, and back to the message box
// when it goes.

import {
  blockedScreen,
  contactForm,
  forgetScreen,
  forgottenScreen,
  sheet,
  transcriptForm,
} from "../cards";
import { fill } from "../dom";
import { Screen, WidgetState } from "../state";
import { changed, Render, ViewContext } from "./context";
import { offerForm } from "./strip";

export function screenView({ ui, i18n, intents }: ViewContext): Render {
  let shown: Screen = null;
  let contactEl: HTMLElement | null = null; // kept while shown: a redraw keeps what was typed

  function show(s: WidgetState): Screen {
    if (s.screen === "contact") return offerForm(s) ? "contact" : null;
    return s.screen;
  }

  function draw(screen: Screen, s: WidgetState): void {
    ui.screen.classList.toggle("sheet", screen === "contact" || screen === "transcript");
    ui.screen.hidden = screen === null;
    contactEl = null;
    if (screen === "contact") {
      const first = s.items.find((i) => i.author === "visitor");
      // "—" is the desk's placeholder for a request with no question yet: not a subject
      // to offer the visitor.
      const given = s.conv.ticket && s.conv.ticket.subject !== "—" ? s.conv.ticket.subject : "";
      const subject = given || (first ? first.text : "");
      contactEl = contactForm(i18n, subject, (d) => intents.contact(d), {
        offered: s.desk ? s.desk.priorities : undefined,
        current: s.conv.ticket ? s.conv.ticket.priority : undefined,
        customersOnly: !!s.desk && s.desk.access === "customers",
      });
      const close = (): void => intents.screen(null);
      fill(ui.screen, sheet(i18n.t("contact_title"), i18n.t("cancel"), contactEl, close));
    } else if (screen === "transcript") {
      const close = (): void => intents.screen(null);
      const form = transcriptForm(i18n, s.contactDone || "", (e) => intents.transcript(e), close);
      fill(ui.screen, sheet(i18n.t("transcript_title"), i18n.t("cancel"), form, close));
    } else if (screen === "forget") {
      const confirm = async (): Promise<void> => {
        const problem = await intents.forget();
        const error = ui.screen.querySelector(".form-error");
        if (problem && error) error.textContent = problem;
      };
      fill(
        ui.screen,
        forgetScreen(
          i18n,
          () => void confirm(),
          () => intents.screen(null),
          s.desk ? s.desk.chats_kept_days : null,
        ),
      );
    } else if (screen === "forgotten") {
      fill(ui.screen, forgottenScreen(i18n, () => intents.startOver()));
    } else if (screen === "blocked") {
      fill(ui.screen, blockedScreen(i18n));
    } else {
      fill(ui.screen);
    }
  }

  return (s, prev) => {
    if (!changed(s, prev, (x) => [x.screen, x.conv, x.contactDone])) return;
    const screen = show(s);
    if (prev !== null && screen === shown) return;
    const before = shown;
    shown = screen;
    draw(screen, s);
    if (prev === null) return; // a new frame: the focus stays where the visitor put it
    if (screen === "contact") contactEl?.querySelector("input")?.focus();
    else if (screen === "transcript") ui.screen.querySelector("input")?.focus();
    else if (screen === "forget" || (screen === "forgotten" && s.open)) {
      ui.screen.querySelector("button")?.focus();
    } else if (screen === null && before !== null && s.open) ui.input.focus();
  };
}
