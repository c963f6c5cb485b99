// The parts of the panel drawn from the widget's state: header and status, the greeting, the
// connection banner, the quick replies, notices, and keeping the latest message in view.

import { h, fill } from "./dom";
import { choices } from "./render";
import type { Widget } from "./widget";

export class View {
  constructor(private readonly w: Widget) {}

  /** Draw everything again (a new frame, a session, a wipe). */
  renderAll(): void {
    const { w } = this;
    this.renderHeader();
    this.renderIntro();
    this.renderBanner();
    w.typing.render();
    w.escalation.renderCards();
    this.renderChips();
    w.panel.renderBadge();
  }

  renderHeader(): void {
    const { i18n, ui, desk, state, phase } = this.w;
    const name = desk ? desk.name : i18n.t("support");
    ui.title.textContent = name;
    ui.panel.setAttribute("aria-label", i18n.t("chat_with", { name }));
    let status: string;
    let kind: string;
    if (state.mode === "live" && state.operator) {
      status = i18n.t("status_live", { name: state.operator.name });
      kind = "online";
    } else if (!desk) {
      status = phase === "forgotten" ? "" : i18n.t("connecting");
      kind = "connecting";
    } else if (desk.status === "online") {
      status = i18n.t("status_online");
      kind = "online";
    } else if (desk.status === "closed" && desk.next_open) {
      status = i18n.t("status_closed", { when: i18n.when(desk.next_open) });
      kind = "closed";
    } else {
      status = i18n.t("status_away", {
        duration: i18n.duration(desk.reply_within_seconds || 86_400),
      });
      kind = "away";
    }
    ui.status.textContent = status;
    ui.status.dataset.status = kind;
    ui.person.hidden = !(state.mode === "bot" || state.mode === "closed");
  }

  /** The greeting: the bot's (from `session`, not stored), or a plain welcome. */
  private renderIntro(): void {
    const { bot, desk, i18n, ui, phase, thread } = this.w;
    if (phase === "forgotten" || (phase !== "ready" && thread.items.length === 0)) {
      fill(ui.intro);
      return;
    }
    const author = bot ? bot.name : desk ? desk.name : i18n.t("support");
    fill(
      ui.intro,
      h(
        "div",
        { class: "msg msg-bot msg-intro" },
        h("p", { class: "meta" }, h("span", { class: "author" }, author)),
        h("div", { class: "bubble" }, h("p", null, bot ? bot.greeting : i18n.t("welcome"))),
      ),
    );
  }

  /** Quick replies under the conversation: starters, follow-ups, "Talk to a person". */
  renderChips(): void {
    const { w } = this;
    const chips: Node[] = [];
    if (w.state.mode === "bot" && w.phase === "ready" && w.historyLoaded) {
      const ctx = w.messages.context();
      const saidSomething = w.thread.items.some((i) => i.author === "visitor");
      const last = w.thread.items[w.thread.items.length - 1];
      if (!saidSomething && w.bot && w.bot.starters.length) {
        chips.push(choices(w.bot.starters, w.i18n.t("suggestions"), ctx));
      } else if (last && last.author === "bot" && last.message) {
        const m = last.message;
        if (m.kind === "answer" && Array.isArray(m.follow_ups) && m.follow_ups.length) {
          chips.push(choices(m.follow_ups, w.i18n.t("quick_replies"), ctx));
        }
        if (m.offer_person) {
          chips.push(
            h(
              "button",
              { type: "button", class: "chip strong", onclick: () => void w.escalation.escalate() },
              w.i18n.t("talk_to_person"),
            ),
          );
        }
      }
    }
    // The chips take room from the messages: keep the latest in view.
    const stick = this.nearEnd();
    fill(w.ui.chips, ...chips);
    if (stick) this.scrollToEnd();
  }

  /** Offline, or reconnecting: said in the banner above the conversation. */
  renderBanner(): void {
    const { w } = this;
    let text = "";
    if (w.wanted && !w.lifecycle.navigatorOnline()) text = w.i18n.t("offline");
    else if (w.wanted && w.phase === "lost") text = w.i18n.t("reconnecting");
    w.ui.banner.textContent = text;
    w.ui.banner.hidden = !text;
  }

  /** A short-lived notice above the composer (a request that failed). */
  notify(text: string): void {
    this.w.ui.notice.textContent = text;
    this.w.timers.later("notice", 6_000, () => (this.w.ui.notice.textContent = ""));
  }

  nearEnd(): boolean {
    const s = this.w.ui.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 80;
  }

  scrollToEnd(): void {
    const s = this.w.ui.scroller;
    s.scrollTop = s.scrollHeight;
  }
}
