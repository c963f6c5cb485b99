// One message of a conversation as the operator sees it: who, when, the text (the bot's
// HTML cleaned with DOMPurify, operators' and system URLs as links, files as download links),
// and for a "Did you mean" the options the visitor saw.
import { linkify, safeHtml } from "../common/html";
import { fileSize } from "../common/size";
import { el, timeOf } from "./common";
import { label, locale, t } from "./i18n";
import { Message } from "./protocol";

/** The parts of a chat message its body is drawn from (a conversation's or a ticket's). */
type Body = Pick<Message, "author" | "html" | "attachments" | "text" | "ticket_message">;

/** A chat message's body: the bot's HTML through DOMPurify, a visitor's words as plain text,
 * operators' and system URLs as links, and files (a visitor's sent in chat, whose text is
 * only the name, or a ticket reply's said in the chat) as download links. */
export function messageBody(m: Body): HTMLElement {
  if (m.author === "bot" && typeof m.html === "string" && m.html) {
    const rich = el("div", { className: "text rich" });
    rich.append(safeHtml(m.html));
    return rich;
  }
  const files = Array.isArray(m.attachments) ? m.attachments : [];
  const words =
    m.author === "visitor"
      ? el("p", { className: "text", text: m.text })
      : el("p", { className: "text" }, ...linkify(m.text));
  if (!files.length) return words;
  const links = el("p", { className: "text files" });
  for (const file of files) {
    // Links to the console's download only (paths on the desk itself).
    if (!file || typeof file.url !== "string" || !file.url.startsWith("/console/files/")) continue;
    const link = el("a", { className: "file", text: file.name });
    link.href = file.url;
    link.setAttribute("download", file.name);
    links.append(link, el("span", { className: "hint", text: ` ${fileSize(file.size, locale)}` }));
  }
  if (typeof m.ticket_message !== "string") return links;
  const both = el("div", { className: "text-files" });
  both.append(words, links);
  return both;
}

export function messageItem(m: Message): HTMLLIElement {
  const who = m.author === "operator" && m.operator ? m.operator.name : label("author", m.author);
  const time = timeOf(m.ts);
  const text = messageBody(m);
  const item = el("li", { className: `msg author-${m.author}` },
    el("span", { className: "who", text: who }), time, text);
  if (m.author === "bot" && Array.isArray(m.suggestions) && m.suggestions.length) {
    const options = m.suggestions
      .filter((s) => s && typeof s.title === "string")
      .map((s) => el("li", { text: s.title }));
    item.append(el("div", { className: "suggestions" },
      el("span", { text: t("suggestions_seen") }), el("ul", {}, ...options)));
  }
  if (m.author === "bot" && m.entry_id) {
    item.append(el("span", { className: "meta", text: `${m.kind} · ${m.entry_id} · ${m.confidence}` }));
  }
  item.dataset.id = m.id;
  item.dataset.seq = String(m.seq);
  return item;
}
