// The panel opened or closed, the launcher with its unread badge, the options menu, and the
// keyboard: Escape closes what is on top; full screen, the panel is modal (Tab cycles).

import { WidgetState } from "../state";
import { changed, Render, ViewContext } from "./context";

// Below this width the panel takes the whole screen (styles.css says the same).
const NARROW = window.matchMedia("(max-width: 479.98px)");

/** Bot and operator messages above the last seq seen with the panel open (any tab). */
export function unread(s: WidgetState): number {
  return s.items.filter(
    (i) => i.seq !== null && i.seq > s.readSeq && (i.author === "bot" || i.author === "operator"),
  ).length;
}

export function panelView({ ui, i18n, intents, host }: ViewContext): Render {
  let state: WidgetState | null = null;

  ui.launcher.addEventListener("click", () => intents.toggle());
  ui.promptText.addEventListener("click", () => intents.open(true));
  ui.promptClose.addEventListener("click", () => intents.dismissPrompt());
  ui.close.addEventListener("click", () => intents.close());
  ui.person.addEventListener("click", () => intents.escalate());
  ui.optionsButton.addEventListener("click", () => intents.options(!(state && state.options)));
  ui.lang.addEventListener("change", () => intents.setLanguage(ui.lang.value));
  ui.forget.addEventListener("click", () => intents.screen("forget"));
  ui.transcript.addEventListener("click", () => intents.screen("transcript"));
  ui.panel.addEventListener("keydown", (event) => {
    if (event.key === "Tab" && NARROW.matches) {
      keepFocusInside(event);
      return;
    }
    if (event.key !== "Escape" || !state) return;
    event.stopPropagation();
    if (state.options) {
      intents.options(false);
      ui.optionsButton.focus();
    } else if (state.screen !== null && state.phase !== "forgotten") {
      intents.screen(null);
    } else {
      intents.close();
    }
  });

  function keepFocusInside(event: KeyboardEvent): void {
    const focusable = Array.from(
      ui.panel.querySelectorAll<HTMLElement>("button, input, select, textarea, a[href]"),
    ).filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const current = host.activeElement;
    if (event.shiftKey && current === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && current === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (s, prev) => {
    state = s;
    if (changed(s, prev, (x) => [x.open])) {
      ui.panel.hidden = !s.open;
      ui.panel.setAttribute("aria-modal", String(s.open && NARROW.matches));
      ui.root.classList.toggle("is-open", s.open);
      ui.launcher.setAttribute("aria-expanded", String(s.open));
      // Opening moves the focus into the panel, closing back to the launcher (not at the
      // first draw: a panel reopened after a navigation leaves the focus to the page).
      if (prev !== null && s.open) {
        if (!ui.screen.hidden) ui.screen.querySelector("button")?.focus();
        else ui.input.focus();
      } else if (prev !== null) {
        ui.launcher.focus();
      }
    }
    if (changed(s, prev, (x) => [x.open, x.items, x.readSeq])) {
      const n = s.open ? 0 : unread(s);
      ui.badge.hidden = n === 0;
      ui.badge.textContent = n > 9 ? "9+" : String(n);
      const label = i18n.t(s.open ? "close_chat" : "open_chat");
      ui.launcher.setAttribute(
        "aria-label",
        n ? `${label} (${i18n.count("unread", n)})` : label,
      );
    }
    if (changed(s, prev, (x) => [x.desk, x.phase])) {
      // Only where the desk sends e-mail, and a conversation to send.
      ui.transcript.hidden = !(s.desk && s.desk.transcript && s.sessionToken !== null);
    }
    if (changed(s, prev, (x) => [x.prompt])) {
      ui.prompt.hidden = s.prompt === null;
      ui.promptText.textContent = s.prompt ?? "";
    }
    if (changed(s, prev, (x) => [x.options])) {
      ui.options.hidden = !s.options;
      ui.optionsButton.setAttribute("aria-expanded", String(s.options));
      ui.optionsButton.setAttribute("aria-label", i18n.t(s.options ? "close_options" : "options"));
    }
  };
}
