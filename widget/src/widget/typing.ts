// Who is shown typing under the messages: an operator (their `typing` events), or the bot
// "thinking" between the ack of the visitor's message and its answer.

import { h, fill } from "./dom";
import { Item } from "./thread";
import type { Widget } from "./widget";

export class Typing {
  /** The bot is answering the message of this seq (null: it is not). */
  thinkingAfter: number | null = null;
  private from: string | null = null; // who is shown typing (operator or bot name)

  constructor(private readonly w: Widget) {}

  /** Show `who` typing (null: nobody); a typing event that never ends fades after 15 s. */
  show(who: string | null): void {
    this.from = who;
    this.render();
    if (who) this.w.timers.later("typing", 15_000, () => this.show(null));
    else this.w.timers.clear("typing");
  }

  /** The desk stored the visitor's message `seq`: the bot types its answer (at most 10 s). */
  thinking(seq: number, botName: string): void {
    this.thinkingAfter = seq;
    this.show(botName);
    this.w.timers.later("thinking", 10_000, () => {
      this.thinkingAfter = null;
      this.show(null);
    });
  }

  /** A message arrived: the operator, or the bot that was thinking, has written. */
  heard(item: Item): void {
    if (
      item.author === "operator" ||
      (item.author === "bot" && this.thinkingAfter !== null && item.seq! > this.thinkingAfter)
    ) {
      this.thinkingAfter = null;
      this.show(null);
    }
  }

  /** The connection went: nobody can be typing to us any more. */
  reset(): void {
    this.from = null;
    this.thinkingAfter = null;
    this.render();
  }

  operatorLabel(): string {
    const { state, i18n } = this.w;
    return state.operator ? state.operator.name : i18n.t("operator");
  }

  render(): void {
    const { ui, i18n, view } = this.w;
    const who = this.from;
    ui.typing.hidden = !who;
    fill(
      ui.typing,
      who ? h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")) : null,
      who ? i18n.t("typing", { name: who }) : null,
    );
    if (who && view.nearEnd()) view.scrollToEnd();
  }
}
