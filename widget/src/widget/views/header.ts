// The header (the desk's name and a status derived from the desk AND the conversation's state,
// so the two never contradict each other), the connection banner and short notices.

import { I18n } from "../i18n";
import { WidgetState } from "../state";
import { changed, Render, ViewContext } from "./context";

/** What the header says under the desk's name, and the colour of its dot. */
export function headerStatus(s: WidgetState, i18n: I18n): { text: string; kind: string } {
  const { desk, conv } = s;
  if (s.phase === "blocked") return { text: "", kind: "connecting" };
  const zone = desk && desk.timezone;
  if (conv.mode === "live" && conv.operator) {
    return { text: i18n.t("status_live", { name: conv.operator.name }), kind: "online" };
  }
  if (!desk) {
    return { text: s.phase === "forgotten" ? "" : i18n.t("connecting"), kind: "connecting" };
  }
  // Queued: someone is online for it, whatever `desk` said a moment ago.
  if (conv.mode === "queued") return { text: i18n.t("status_online"), kind: "online" };
  // Waiting: the ticket's promised time, the one the strip and the system line give.
  const ticketDue = conv.mode === "waiting" && conv.ticket && conv.ticket.reply_expected_by;
  if (ticketDue) {
    return { text: i18n.t("status_reply_by", { date: i18n.promised(ticketDue, zone) }), kind: "away" };
  }
  if (desk.status === "online") return { text: i18n.t("status_online"), kind: "online" };
  if (desk.status === "closed" && desk.next_open) {
    return { text: i18n.t("status_closed", { when: i18n.promised(desk.next_open, zone) }), kind: "closed" };
  }
  if (desk.reply_expected_by) {
    const date = i18n.promised(desk.reply_expected_by, zone);
    return { text: i18n.t("status_reply_by", { date }), kind: "away" };
  }
  const duration = i18n.duration(desk.reply_within_seconds || 86_400);
  return { text: i18n.t("status_away", { duration }), kind: "away" };
}

export function headerView({ ui, i18n }: ViewContext): Render {
  return (s, prev) => {
    if (changed(s, prev, (x) => [x.desk, x.conv, x.phase])) {
      const name = s.desk ? s.desk.name : i18n.t("support");
      ui.title.textContent = name;
      ui.panel.setAttribute("aria-label", i18n.t("chat_with", { name }));
      const status = headerStatus(s, i18n);
      ui.status.textContent = status.text;
      ui.status.dataset.status = status.kind;
      const asking = s.conv.mode === "bot" || s.conv.mode === "closed";
      ui.person.hidden = !asking || s.phase === "blocked";
    }
    if (changed(s, prev, (x) => [x.wanted, x.online, x.phase, x.lostBanner])) {
      let text = "";
      if (s.wanted && !s.online) text = i18n.t("offline");
      else if (s.wanted && s.phase === "lost" && s.lostBanner) text = i18n.t("reconnecting");
      ui.banner.textContent = text;
      ui.banner.hidden = !text;
    }
    if (changed(s, prev, (x) => [x.notice])) ui.notice.textContent = s.notice;
  };
}
