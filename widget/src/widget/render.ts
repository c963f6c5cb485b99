// One message of the conversation as DOM: author, time, content, delivery, and the bot's
// choices and 👍/👎. Visitor, operator and system text is inserted as text (operators' and
// system URLs as links); only the server's sanitised `html` of bot messages becomes markup
// (cleaned again with DOMPurify).

import { linkify, safeHtml } from "../common/html";
import { fileSize } from "../common/size";
import { h, icon } from "./dom";
import { I18n } from "./i18n";
import { ChatFile, Choice, operatorName, ServerMessage } from "./protocol";
import { Item } from "./thread";

export interface MessageContext {
  i18n: I18n;
  desk: URL; // the desk's base URL: paths the server sends (article_url) are on it
  botName: string;
  operatorFallback: string; // the state's operator name, for messages that carry none
  botMode: boolean; // choices only work while the bot answers
  rated: Readonly<Record<string, boolean>>;
  seenSeq: number; // the visitor's messages up to it were seen by the operator
  choose(choice: Choice): void;
  retry(item: Item): void;
  rate(item: Item, useful: boolean): void;
}

export function renderMessage(item: Item, ctx: MessageContext): HTMLElement {
  const { i18n } = ctx;
  const message = item.message;
  if (item.author === "system") {
    return h(
      "div",
      { class: "msg msg-system", "data-key": item.key, "data-seq": item.seq },
      h("p", { class: "bubble" }, ...linkify(item.text)),
    );
  }
  const author =
    item.author === "visitor"
      ? i18n.t("you")
      : item.author === "bot"
        ? ctx.botName
        : (message && operatorName(message)) || ctx.operatorFallback || i18n.t("operator");
  const bubble = h("div", { class: "bubble" });
  if (item.author === "bot" && message && typeof message.html === "string") {
    bubble.appendChild(safeHtml(message.html, ctx.desk));
  } else if (item.author === "operator") {
    bubble.appendChild(h("p", null, ...linkify(item.text)));
  } else if (!(message && isChatFile(message))) {
    bubble.appendChild(h("p", null, item.text));
  }
  if (message && Array.isArray(message.attachments)) {
    for (const file of message.attachments) {
      const link = fileLink(file, ctx);
      if (link) bubble.appendChild(link);
    }
  } else if (item.upload) {
    bubble.appendChild(h("p", { class: "file" }, item.text));
  }
  const el = h(
    "div",
    {
      class: `msg msg-${item.author}`,
      "data-key": item.key,
      "data-seq": item.seq,
      "data-delivery": item.author === "visitor" ? item.delivery : null,
    },
    h(
      "p",
      { class: "meta" },
      h("span", { class: "author" }, author),
      " ",
      h("time", { datetime: item.ts }, i18n.time(item.ts)),
    ),
    bubble,
  );
  if (item.author === "visitor") {
    el.appendChild(renderDelivery(item, ctx));
  } else if (item.author === "bot" && message) {
    if (message.kind === "suggest" && Array.isArray(message.suggestions)) {
      el.appendChild(choices(message.suggestions, i18n.t("suggestions"), ctx));
    }
    if (message.kind === "answer" && typeof message.article_url === "string") {
      const more = readMore(message.article_url, ctx);
      if (more) bubble.appendChild(more);
    }
    if (message.kind === "answer") {
      el.appendChild(rating(item, ctx));
    }
  }
  return el;
}

function renderDelivery(item: Item, ctx: MessageContext): HTMLElement {
  const { i18n } = ctx;
  if (item.delivery === "failed") {
    const label = item.error === "text_too_long" ? i18n.t("failed_too_long") : i18n.t("failed");
    return h(
      "p",
      { class: "delivery failed" },
      label,
      " · ",
      item.error === "text_too_long"
        ? null
        : h(
            "button",
            { type: "button", class: "link", onclick: () => ctx.retry(item) },
            i18n.t("retry"),
          ),
    );
  }
  if (seenBy(item, ctx.seenSeq)) return h("p", { class: "delivery seen" }, i18n.t("seen"));
  return h(
    "p",
    { class: `delivery ${item.delivery}` },
    item.delivery === "sending" ? i18n.t("sending") : i18n.t("sent"),
  );
}

/** Whether the visitor's stored message was seen by the operator who has the chat. */
export function seenBy(item: Item, seenSeq: number): boolean {
  return item.delivery === "sent" && item.seq !== null && item.seq <= seenSeq;
}

/** A file sent in chat: its name and size as a link, with a small thumbnail for images
 * (from the desk's own signed link only). */
/** A file sent in chat, whose text is only its name (a ticket reply said in the chat keeps
 * its words beside its files). */
function isChatFile(message: ServerMessage): boolean {
  return (
    Array.isArray(message.attachments) &&
    message.attachments.length > 0 &&
    typeof message.ticket_message !== "string"
  );
}

function fileLink(file: ChatFile, ctx: MessageContext): HTMLElement | null {
  if (!file || typeof file.url !== "string" || typeof file.name !== "string") return null;
  let url: URL;
  try {
    url = new URL(file.url, ctx.desk);
  } catch {
    return null;
  }
  if (url.origin !== ctx.desk.origin) return null;
  const size = fileSize(file.size, ctx.i18n.locale);
  const image = /^image\/(png|jpeg|gif|webp)$/.test(file.content_type);
  return h(
    "a",
    {
      class: "file",
      href: url.href,
      download: file.name,
      target: "_blank",
      rel: "noopener",
      "aria-label": ctx.i18n.t("file_download", { name: file.name, size }),
    },
    image ? h("img", { src: url.href, alt: "", loading: "lazy" }) : null,
    h("span", { class: "file-name" }, file.name),
    h("span", { class: "file-size" }, size),
  );
}


/** Buttons sending `choose`: "Did you mean…" suggestions, follow-ups, starters. */
export function choices(list: Choice[], label: string, ctx: MessageContext): HTMLElement {
  return h(
    "div",
    { class: "choices", role: "group", "aria-label": label },
    ...list
      .filter((c) => c && typeof c.entry_id === "string" && typeof c.title === "string")
      .map((c) =>
        h(
          "button",
          { type: "button", class: "chip", disabled: !ctx.botMode, onclick: () => ctx.choose(c) },
          c.title,
        ),
      ),
  );
}

/** "Read more": the entry's longer article on the desk's help centre, in a new tab. */
function readMore(path: string, ctx: MessageContext): HTMLElement | null {
  let url: URL;
  try {
    url = new URL(path, ctx.desk);
  } catch {
    return null;
  }
  // Only pages of the desk itself: the server sends a path, never another site.
  if (url.origin !== ctx.desk.origin) return null;
  return h(
    "p",
    { class: "read-more" },
    h(
      "a",
      {
        href: url.href,
        target: "_blank",
        rel: "noopener",
        "aria-label": ctx.i18n.t("read_more_label"),
      },
      ctx.i18n.t("read_more"),
    ),
  );
}

function rating(item: Item, ctx: MessageContext): HTMLElement {
  const id = item.message?.id || "";
  const given = Object.prototype.hasOwnProperty.call(ctx.rated, id) ? ctx.rated[id] : null;
  const button = (useful: boolean): HTMLElement =>
    h(
      "button",
      {
        type: "button",
        class: "rate",
        "aria-pressed": given === useful ? "true" : "false",
        "aria-label": ctx.i18n.t(useful ? "useful" : "not_useful"),
        title: ctx.i18n.t(useful ? "useful" : "not_useful"),
        onclick: () => ctx.rate(item, useful),
      },
      icon(useful ? "up" : "thumbdown"),
    );
  return h(
    "div",
    { class: "rating", role: "group", "aria-label": ctx.i18n.t("was_useful") },
    button(true),
    button(false),
  );
}
