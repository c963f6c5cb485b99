// Opening and closing the panel, the launcher's unread badge, the screen over the conversation,
// and the keyboard: Escape closes what is on top; full screen, the panel is modal.

import { fill } from "./dom";
import type { Widget } from "./widget";

// Below this width the panel takes the whole screen (styles.css says the same).
const NARROW = window.matchMedia("(max-width: 479.98px)");

export class Panel {
  constructor(private readonly w: Widget) {}

  /** Open the panel; this is the visitor's consent, so the widget connects. */
  open(focus = true): void {
    const { w } = this;
    if (w.isOpen) return;
    w.isOpen = true;
    w.memory.consent();
    w.memory.open = true;
    w.ui.panel.hidden = false;
    w.ui.panel.setAttribute("aria-modal", String(NARROW.matches));
    w.ui.root.classList.add("is-open");
    w.ui.launcher.setAttribute("aria-expanded", "true");
    w.ui.launcher.setAttribute("aria-label", w.i18n.t("close_chat"));
    if (w.phase === "idle") w.lifecycle.connect();
    w.view.renderAll();
    w.view.scrollToEnd();
    this.markRead();
    if (focus) {
      if (!w.ui.screen.hidden) w.ui.screen.querySelector("button")?.focus();
      else w.ui.input.focus();
    }
  }

  close(): void {
    const { w } = this;
    if (!w.isOpen) return;
    w.isOpen = false;
    w.memory.open = false;
    w.ui.panel.hidden = true;
    w.ui.root.classList.remove("is-open");
    w.ui.launcher.setAttribute("aria-expanded", "false");
    w.menu.toggle(false);
    w.composer.sendTyping(false);
    this.renderBadge();
    w.ui.launcher.focus();
  }

  toggle(): void {
    if (this.w.isOpen) this.close();
    else this.open();
  }

  /** Take away the screen over the conversation (a form, Forget me) and go back to typing. */
  hideScreen(): void {
    const { ui } = this.w;
    ui.screen.hidden = true;
    ui.screen.classList.remove("sheet");
    fill(ui.screen);
    ui.input.focus();
  }

  onKey(event: KeyboardEvent): void {
    const { w } = this;
    if (event.key === "Tab" && NARROW.matches) {
      this.keepFocusInside(event);
      return;
    }
    if (event.key !== "Escape") return;
    event.stopPropagation();
    if (!w.ui.options.hidden) {
      w.menu.toggle(false);
      w.ui.optionsButton.focus();
    } else if (!w.ui.screen.hidden && w.phase !== "forgotten") {
      this.hideScreen();
    } else {
      this.close();
    }
  }

  /** Full screen, the panel is modal: Tab cycles inside it instead of reaching the page. */
  private keepFocusInside(event: KeyboardEvent): void {
    const focusable = Array.from(
      this.w.ui.panel.querySelectorAll<HTMLElement>("button, input, select, textarea, a[href]"),
    ).filter((el) => !(el as HTMLButtonElement).disabled && el.getClientRects().length > 0);
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const current = this.w.host.activeElement;
    if (event.shiftKey && current === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && current === last) {
      event.preventDefault();
      first.focus();
    }
  }

  /** The visitor sees the latest messages (panel open, tab visible): they are read. */
  markRead(): void {
    const { w } = this;
    if (
      w.isOpen &&
      document.visibilityState === "visible" &&
      w.thread.maxSeq > w.memory.data.read_seq
    ) {
      w.memory.update({ read_seq: w.thread.maxSeq });
    }
    this.renderBadge();
  }

  renderBadge(): void {
    const { w } = this;
    const n = w.isOpen ? 0 : this.unread();
    w.ui.badge.hidden = n === 0;
    w.ui.badge.textContent = n > 9 ? "9+" : String(n);
    const label = w.i18n.t(w.isOpen ? "close_chat" : "open_chat");
    w.ui.launcher.setAttribute(
      "aria-label",
      n ? `${label} (${w.i18n.count("unread", n)})` : label,
    );
  }

  /** Bot and operator messages above the last seq seen with the panel open (any tab). */
  private unread(): number {
    const read = this.w.memory.data.read_seq;
    return this.w.thread.items.filter(
      (i) => i.seq !== null && i.seq > read && (i.author === "bot" || i.author === "operator"),
    ).length;
  }
}
