// The options menu: the language switch, and Forget me with the wipe that follows it (asked
// in this tab, or seen from another one).

import { forgetScreen, forgottenScreen } from "./cards";
import { fill } from "./dom";
import { I18n, toLang } from "./i18n";
import { readState } from "./protocol";
import type { Widget } from "./widget";

export class Menu {
  constructor(private readonly w: Widget) {}

  toggle(show: boolean): void {
    const { ui, i18n } = this.w;
    ui.options.hidden = !show;
    ui.optionsButton.setAttribute("aria-expanded", String(show));
    ui.optionsButton.setAttribute("aria-label", i18n.t(show ? "close_options" : "options"));
  }

  setLanguage(tag: string): void {
    const { w } = this;
    const lang = toLang(tag);
    if (!lang || lang === w.i18n.lang) return;
    w.i18n = new I18n(lang);
    w.memory.update({ lang });
    const optionsOpen = !w.ui.options.hidden;
    w.mount();
    if (w.isOpen) {
      w.isOpen = false;
      w.panel.open(false);
    }
    if (optionsOpen) {
      this.toggle(true);
      w.ui.lang.focus();
    }
    // The desk answers in the language given when connecting: reconnect to switch.
    if (w.wanted && w.lifecycle.navigatorOnline()) w.link.restart();
  }

  askForget(): void {
    const { ui, i18n, panel } = this.w;
    this.toggle(false);
    fill(
      ui.screen,
      forgetScreen(
        i18n,
        () => void this.forget(),
        () => panel.hideScreen(),
      ),
    );
    ui.screen.hidden = false;
    ui.screen.querySelector("button")?.focus();
  }

  private async forget(): Promise<void> {
    const { w } = this;
    if (w.token !== null) {
      const error = w.ui.screen.querySelector(".form-error");
      try {
        const ack = await w.link.call("forget", {});
        if (!ack || !ack.ok) throw new Error("refused");
      } catch {
        if (error) error.textContent = w.i18n.t("not_connected");
        return;
      }
    }
    this.wipe();
  }

  /** Forget everything here (after "Forget me", in this tab or another). */
  wipe(): void {
    const { w } = this;
    if (w.phase === "forgotten") return;
    w.wanted = false;
    w.phase = "forgotten";
    w.link.stop();
    w.memory.clear();
    w.token = null;
    w.lifecycle.resetConversation();
    w.messages.clear();
    w.bot = null;
    w.state = readState(null);
    w.view.renderAll();
    this.showForgotten();
    if (w.isOpen) w.ui.screen.querySelector("button")?.focus();
  }

  /** Say that everything is forgotten, with a button to start a new conversation. */
  showForgotten(): void {
    const { ui, i18n } = this.w;
    fill(
      ui.screen,
      forgottenScreen(i18n, () => this.startOver()),
    );
    ui.screen.hidden = false;
  }

  private startOver(): void {
    const { w } = this;
    w.panel.hideScreen();
    w.memory.consent();
    w.lifecycle.connect();
  }
}
