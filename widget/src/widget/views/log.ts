// The conversation: the greeting, the messages (each drawn again only when it changed), who
// is typing, the rating card after a closed conversation, and the quick replies under it.

import { ratingForm } from "../cards";
import { fill, h, sync } from "../dom";
import { MessageContext, choices, renderMessage, seenBy } from "../render";
import { WidgetState } from "../state";
import { Item } from "../thread";
import { changed, Render, ViewContext } from "./context";

export function botName(s: WidgetState, fallback: string): string {
  return (s.bot && s.bot.name) || s.botName || fallback;
}

export function logView(ctx: ViewContext): Render {
  const { ui, i18n, intents, host, desk } = ctx;
  const nodes = new Map<string, { item: Item; el: HTMLElement; seen: boolean }>();
  let ratingEl: HTMLElement | null = null; // kept while shown: a redraw keeps what was typed

  const context = (s: WidgetState): MessageContext => ({
    i18n,
    desk,
    botName: botName(s, i18n.t("assistant")),
    operatorFallback: s.conv.operator ? s.conv.operator.name : "",
    botMode: s.conv.mode === "bot",
    rated: s.rated,
    seenSeq: s.seenSeq,
    choose: (choice) => intents.choose(choice),
    retry: (item) => intents.retry(item),
    rate: (item, useful) => intents.rate(item, useful),
  });

  const id = (i: Item): string => (i.message && i.message.id) || "";

  function drawMessages(s: WidgetState, prev: WidgetState | null): void {
    const all = changed(s, prev, (x) => [
      x.conv.mode === "bot",
      x.botName,
      x.bot && x.bot.name,
      x.conv.operator && x.conv.operator.name,
    ]);
    const msgContext = context(s);
    const keys = new Set(s.items.map((i) => i.key));
    for (const [key, node] of nodes) {
      if (!keys.has(key)) {
        node.el.remove();
        nodes.delete(key);
      }
    }
    let next: Node | null = null;
    for (let at = s.items.length - 1; at >= 0; at--) {
      const item = s.items[at];
      const known = nodes.get(item.key);
      const rerated = prev !== null && prev.rated[id(item)] !== s.rated[id(item)];
      // "Sent" becomes "Seen" when the operator's receipt reaches it.
      const seen = item.author === "visitor" && seenBy(item, s.seenSeq);
      const same = known && known.item === item && known.seen === seen;
      let el = same && !all && !rerated ? known.el : null;
      if (el === null) {
        el = renderMessage(item, msgContext);
        if (known) {
          const focused = known.el.contains(host.activeElement);
          known.el.replaceWith(el);
          // 👍/👎 pressed with the keyboard: keep the focus on the pressed button.
          if (focused) el.querySelector<HTMLElement>(".rate[aria-pressed=true]")?.focus();
        }
        nodes.set(item.key, { item, el, seen });
      }
      if (el.parentNode !== ui.log || el.nextSibling !== next) ui.log.insertBefore(el, next);
      next = el;
    }
  }

  function drawIntro(s: WidgetState): void {
    if (s.phase === "forgotten" || (s.phase !== "ready" && s.items.length === 0)) {
      fill(ui.intro);
      return;
    }
    const author = s.bot ? s.bot.name : s.desk ? s.desk.name : i18n.t("support");
    fill(
      ui.intro,
      h(
        "div",
        { class: "msg msg-bot msg-intro" },
        h("p", { class: "meta" }, h("span", { class: "author" }, author)),
        h("div", { class: "bubble" }, h("p", null, s.bot ? s.bot.greeting : i18n.t("welcome"))),
      ),
    );
  }

  function drawTyping(s: WidgetState): void {
    const who =
      s.typing === "operator"
        ? (s.conv.operator && s.conv.operator.name) || i18n.t("operator")
        : s.typing === "bot"
          ? botName(s, i18n.t("assistant"))
          : null;
    ui.typing.hidden = !who;
    fill(
      ui.typing,
      who ? h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")) : null,
      who ? i18n.t("typing", { name: who }) : null,
    );
  }

  function drawCards(s: WidgetState): void {
    const cards: Node[] = [];
    if (s.ratingDone) {
      ratingEl = null;
      cards.push(h("p", { class: "card done", role: "status" }, i18n.t("rating_thanks")));
    } else if (s.conv.mode === "closed" && s.conv.rating_requested && s.phase !== "forgotten") {
      ratingEl = ratingEl || ratingForm(i18n, (v) => intents.rateConversation(v));
      cards.push(ratingEl);
    } else {
      ratingEl = null;
    }
    // A form that stays is not re-inserted: that would take the focus from the visitor.
    sync(ui.cards, cards);
  }

  function drawChips(s: WidgetState): void {
    const chips: Node[] = [];
    if (s.conv.mode === "bot" && s.phase === "ready" && s.historyLoaded) {
      const ctx = context(s);
      const saidSomething = s.items.some((i) => i.author === "visitor");
      const last = s.items[s.items.length - 1];
      if (!saidSomething && s.bot && s.bot.starters.length) {
        chips.push(choices(s.bot.starters, i18n.t("suggestions"), ctx));
      } else if (last && last.author === "bot" && last.message) {
        const m = last.message;
        if (m.kind === "answer" && Array.isArray(m.follow_ups) && m.follow_ups.length) {
          chips.push(choices(m.follow_ups, i18n.t("quick_replies"), ctx));
        }
        if (m.offer_person) {
          chips.push(
            h(
              "button",
              { type: "button", class: "chip strong", onclick: () => intents.escalate() },
              i18n.t("talk_to_person"),
            ),
          );
        }
      }
    }
    fill(ui.chips, ...chips);
  }

  return (s, prev) => {
    if (changed(s, prev, (x) => [x.items, x.rated, x.seenSeq, x.conv, x.bot, x.botName])) {
      drawMessages(s, prev);
    }
    if (changed(s, prev, (x) => [x.phase, x.bot, x.desk, x.items.length === 0])) drawIntro(s);
    if (changed(s, prev, (x) => [x.typing, x.conv.operator, x.bot])) drawTyping(s);
    if (changed(s, prev, (x) => [x.ratingDone, x.conv, x.phase])) drawCards(s);
    if (changed(s, prev, (x) => [x.conv.mode, x.phase, x.historyLoaded, x.items, x.bot])) {
      drawChips(s);
    }
  };
}
