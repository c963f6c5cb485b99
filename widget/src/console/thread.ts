// A ticket's thread as the operator sees it: messages (the ticket's own and a chat ticket's
// conversation) and history rows, by time, drawn as the server's ticket.html draws them.
import { fileSize } from "../common/size";
import { el, timeOf } from "./common";
import { colon, departmentName, label, locale, t } from "./i18n";
import { messageBody } from "./messages";
import { Attachment, ThreadItem, TicketHistory } from "./protocol";

type Names = Map<string, string>;

function time(iso: string): HTMLTimeElement {
  return timeOf(iso);
}

function who(names: Names, id: string | null): string {
  return (id && names.get(id)) || t("nobody");
}

/** The words of a history row ("status: open → resolved"). */
export function historyText(e: TicketHistory, names: Names): string {
  const d = e.data as Record<string, string | number | null>;
  const from = String(d.from ?? "");
  const to = String(d.to ?? "");
  switch (e.kind) {
    case "status": return `${t("ev_status")}${colon} ${label("ticket", from)} → ${label("ticket", to)}`;
    case "priority": return `${t("ev_priority")}${colon} ${label("priority", from)} → ${label("priority", to)}`;
    case "type": return `${t("ev_type")}${colon} ${label("type", from)} → ${label("type", to)}`;
    case "assignee": return `${t("ev_assignee")}${colon} ${who(names, d.from as string | null)} → ${who(names, d.to as string | null)}`;
    case "department": return `${t("ev_department")}${colon} ${departmentName(from)} → ${departmentName(to)}`;
    case "subject": return `${t("ev_subject")}${colon} ${from} → ${to}`;
    case "sla_warning":
    case "sla_breach":
      return t(e.kind === "sla_breach" ? "ev_sla_breach" : "ev_sla_warning", {
        target: label("target", String(d.target ?? "resolution")),
      });
    case "concerning": return t("ev_concerning", { ref: String(d.ref ?? "") });
    case "merged_into": return t("ev_merged_into", { ref: String(d.into ?? "") });
    case "merged_from": return t("ev_merged_from", { ref: String(d.source ?? "") });
    case "split_to": return t("ev_split_to", { ref: String(d.into ?? "") });
    case "split_from": return t("ev_split_from", { ref: String(d.source ?? "") });
    case "linked":
    case "unlinked":
      return t(e.kind === "linked" ? "ev_linked" : "ev_unlinked", { ref: String(d.problem ?? "") });
    case "incident_linked":
    case "incident_unlinked":
      return t(e.kind === "incident_linked" ? "ev_incident_linked" : "ev_incident_unlinked", {
        ref: String(d.ticket ?? ""),
      });
    case "imported": return t("ev_imported", { ref: String(d.ref ?? "") });
    case "linked_reply": return t("ev_linked_reply", { count: String(d.count ?? 0) });
    case "csat": return t("ev_csat", { score: String(d.score ?? "") });
    case "auto_close": return t("ev_auto_close");
    case "hold": return d.to ? `${t("ev_hold")} ${when(to)}` : t("ev_hold_cleared");
    case "hold_ended": return `${t("ev_hold_ended")} ${when(String(d.until ?? ""))}`;
    case "created": return t("ev_created");
    case "fields": return t("ev_fields");
    case "follow_up": return t("ev_follow_up");
    case "requester":
      return t(d.via === "chat" ? "ev_contact" : d.via === "merge" ? "ev_requester_merge"
        : d.via === "detach" ? "ev_requester_detach" : "ev_requester");
    case "chat": return t("ev_chat");
    case "cc": return `${t("ev_cc")}${colon} ${addresses(d.from)} → ${addresses(d.to)}`;
    case "tags": return `${t("ev_tags")}${colon} ${tagList(d.from)} → ${tagList(d.to)}`;
    case "mention": return t("ev_mention", { names: mentioned(names, d.to) });
    case "time": return t("ev_time", { time: spent(Number(d.minutes ?? 0)) });
    case "rule": return `${t("ev_rule", { name: String(d.name ?? "") })}${colon} ${ruleChanges(e.data, names)}`;
    default: return e.kind;
  }
}

type Change = { from?: string; to?: string };

/** What a rule of the desk changed on a new ticket ("department: General → Billing; …"). */
function ruleChanges(data: Record<string, unknown>, names: Names): string {
  const move = (c: unknown): Change => (typeof c === "object" && c !== null ? (c as Change) : {});
  const parts: string[] = [];
  if (data.department) {
    const c = move(data.department);
    parts.push(`${t("ev_department")}${colon} ${departmentName(String(c.from))} → ${departmentName(String(c.to))}`);
  }
  for (const key of ["priority", "type"] as const) {
    const c = move(data[key]);
    const name = key === "priority" ? "ev_priority" : "ev_type";
    if (data[key]) parts.push(`${t(name)}${colon} ${label(key, String(c.from))} → ${label(key, String(c.to))}`);
  }
  if (Array.isArray(data.tags)) parts.push(`${t("ev_tags")}${colon} + ${data.tags.join(", ")}`);
  if (typeof data.assignee === "string") parts.push(`${t("ev_assignee")}${colon} ${who(names, data.assignee)}`);
  return parts.join("; ");
}

/** Minutes of work as the console writes them ("25 min", "1 h 5 min"). */
export function spent(minutes: number): string {
  return minutes >= 60
    ? t("hours_minutes", { h: Math.floor(minutes / 60), m: minutes % 60 })
    : t("minutes_short", { m: minutes });
}

/** A time of a history row, as the console writes times. */
function when(iso: string): string {
  return new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" });
}

/** The colleagues a note named, by name. */
function mentioned(names: Names, list: unknown): string {
  return Array.isArray(list) ? list.map((id) => who(names, String(id))).join(", ") : "";
}

/** A tag list of a history row, or "none". */
function tagList(list: unknown): string {
  return Array.isArray(list) && list.length ? list.join(", ") : t("tags_none");
}

/** A Cc list of a history row, or "nobody". */
function addresses(list: unknown): string {
  return Array.isArray(list) && list.length ? list.join(", ") : t("cc_none");
}

function fileLink(f: Attachment): HTMLElement {
  const name = `${f.filename} (${fileSize(f.size, locale)})`;
  const link = el("a", { className: "file", text: name });
  link.href = `/console/files/${f.id}`;
  if (f.preview === "video") {
    // Played where it was sent; nothing loads until the operator presses play.
    const video = el("video");
    video.controls = true;
    video.preload = "none";
    video.setAttribute("src", `/console/files/${f.id}`);
    link.className = "";
    return el("span", { className: "file player" }, video, link);
  }
  if (f.preview === "image") {
    const image = el("img");
    image.alt = "";
    image.setAttribute("src", `/console/files/${f.id}`);
    image.loading = "lazy";
    link.className = "file preview";
    link.replaceChildren(image, name);
  }
  return link;
}

function messageItem(m: ThreadItem, files: Attachment[]): HTMLLIElement {
  let author: string;
  let classes: string;
  if (m.source === "chat") {
    author = m.author === "operator" && m.operator ? m.operator.name : label("author", m.author);
    classes = `item msg from-chat author-${m.author}`;
  } else {
    author = m.author_name || label("author", m.author);
    classes = `item msg author-${m.author}${m.internal ? " internal" : ""}`;
  }
  const item = el("li", { className: classes }, el("span", { className: "who", text: author }), " ", time(m.ts));
  if (m.source === "chat") item.append(" ", el("span", { className: "badge", text: t("from_chat") }));
  if (m.source === "ticket" && m.internal) item.append(" ", el("span", { className: "badge note", text: t("note_badge") }));
  // A chat ticket's conversation reads as in the conversation view: the bot's answer
  // formatted, not its Markdown (a chat file's links are the ticket's files below).
  const body = m.source === "chat" && !files.length
    ? messageBody(m)
    : el("p", { className: "text", text: m.text });
  item.append(body, ...files.map(fileLink));
  item.dataset.id = m.id;
  return item;
}

function historyItem(e: TicketHistory, names: Names): HTMLLIElement {
  const actor = e.actor === "operator"
    ? names.get(e.actor_id || "") || label("author", "operator")
    : e.actor === "requester" ? names.get(e.actor_id || "") || t("requester") : t("the_desk");
  const item = el("li", { className: `item event kind-${e.kind}` },
    el("span", { className: "who", text: actor }), " ", historyText(e, names), " ", time(e.ts));
  item.dataset.id = e.id;
  return item;
}

/** The thread's items by time (at one instant: the filing, messages, then changes). */
export function timeline(
  messages: ThreadItem[], events: TicketHistory[], attachments: Attachment[], names: Names,
): HTMLLIElement[] {
  const byMessage = new Map<string, Attachment[]>();
  for (const f of attachments) {
    if (f.message_id) byMessage.set(f.message_id, [...(byMessage.get(f.message_id) || []), f]);
  }
  const items: [string, number, HTMLLIElement][] = [
    ...messages.map((m): [string, number, HTMLLIElement] => [m.ts, 0, messageItem(m, byMessage.get(m.id) || [])]),
    ...events.map((e): [string, number, HTMLLIElement] => [e.ts, e.kind === "created" ? -1 : 1, historyItem(e, names)]),
  ];
  items.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  return items.map((i) => i[2]);
}
