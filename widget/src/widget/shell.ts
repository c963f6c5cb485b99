// The widget's fixed frame: launcher, panel, header, options, banner, message area with its
// "new messages" pill, quick replies and composer. Built again when the language changes;
// the views fill it.

import { h, icon, IconName } from "./dom";
import { I18n, LANG_NAMES, LANGS } from "./i18n";

export interface Shell {
  root: HTMLElement;
  launcher: HTMLButtonElement;
  badge: HTMLElement;
  prompt: HTMLElement;
  promptText: HTMLButtonElement;
  promptClose: HTMLButtonElement;
  panel: HTMLElement;
  title: HTMLElement;
  status: HTMLElement;
  person: HTMLButtonElement;
  optionsButton: HTMLButtonElement;
  close: HTMLButtonElement;
  options: HTMLElement;
  lang: HTMLSelectElement;
  transcript: HTMLButtonElement;
  forget: HTMLButtonElement;
  banner: HTMLElement;
  notices: HTMLElement;
  strip: HTMLElement;
  scroller: HTMLElement;
  content: HTMLElement;
  pill: HTMLButtonElement;
  intro: HTMLElement;
  log: HTMLElement;
  typing: HTMLElement;
  cards: HTMLElement;
  chips: HTMLElement;
  notice: HTMLElement;
  composer: HTMLFormElement;
  input: HTMLTextAreaElement;
  attach: HTMLButtonElement;
  file: HTMLInputElement;
  screen: HTMLElement;
}

export function buildShell(i18n: I18n, position: "left" | "right"): Shell {
  const t = i18n.t.bind(i18n);
  const iconButton = (label: string, name: IconName, extra: Record<string, string> = {}) => {
    const button = h("button", {
      type: "button",
      class: "icon-btn",
      "aria-label": label,
      title: label,
      ...extra,
    });
    button.appendChild(icon(name));
    return button;
  };
  const launcher = h("button", {
    type: "button",
    class: "launcher",
    "aria-label": t("open_chat"),
    "aria-expanded": "false",
    "aria-controls": "cd-panel",
  });
  launcher.appendChild(icon("chat"));
  launcher.appendChild(icon("close"));
  const badge = h("span", { class: "badge", "aria-hidden": "true", hidden: true });
  launcher.appendChild(badge);

  // The site's invitation beside the launcher (data-prompt, chatdesk.prompt()): opens the
  // chat, or goes with its ×. Said to screen readers once, politely.
  const promptText = h("button", { type: "button", class: "prompt-text" });
  const promptClose = h("button", {
    type: "button",
    class: "prompt-close",
    "aria-label": t("prompt_dismiss"),
    title: t("prompt_dismiss"),
  });
  promptClose.appendChild(icon("close"));
  const prompt = h(
    "div",
    { class: "prompt", role: "status", hidden: true },
    promptText,
    promptClose,
  );

  const title = h("h2", { id: "cd-title", class: "title" }, t("support"));
  const status = h("p", { class: "status", "data-status": "connecting" }, t("connecting"));
  const person = iconButton(t("talk_to_person"), "person", { class: "icon-btn person" });
  const optionsButton = iconButton(t("options"), "more", {
    "aria-expanded": "false",
    "aria-controls": "cd-options",
  });
  const close = iconButton(t("close_chat"), "close");

  const lang = h(
    "select",
    { id: "cd-lang" },
    ...LANGS.map((code) =>
      h("option", { value: code, lang: code, selected: code === i18n.lang }, LANG_NAMES[code]),
    ),
  );
  // Offered when the desk sends e-mail (`desk.transcript`): the panel view shows it.
  const transcript = h("button", { type: "button", class: "link", hidden: true }, t("transcript"));
  const forget = h(
    "button",
    { type: "button", class: "link danger", "aria-describedby": "cd-forget-hint" },
    t("forget"),
  );
  const options = h(
    "div",
    { id: "cd-options", class: "options", hidden: true },
    h("div", { class: "field inline" }, h("label", { for: "cd-lang" }, t("language")), lang),
    transcript,
    h("div", null, forget, h("p", { id: "cd-forget-hint", class: "hint" }, t("forget_hint"))),
  );
  const banner = h("p", { class: "banner", role: "status", hidden: true });
  const notices = h("div", { class: "notices", hidden: true });
  const strip = h("div", { class: "strip" });
  const intro = h("div", { class: "intro" });
  const log = h("div", {
    class: "log",
    role: "log",
    "aria-live": "polite",
    "aria-relevant": "additions",
    "aria-label": t("messages"),
  });
  const typing = h("p", { class: "typing", hidden: true });
  const cards = h("div", { class: "cards" });
  // One box for everything that scrolls, so a single ResizeObserver sees it grow.
  const content = h("div", { class: "content" }, intro, log, typing, cards);
  const scroller = h("div", { class: "scroller" }, content);
  const pill = h("button", { type: "button", class: "pill", hidden: true }, t("new_messages"));
  pill.appendChild(icon("down"));
  const scrollArea = h("div", { class: "scroll-area" }, scroller, pill);
  const chips = h("div", { class: "chips" });
  const notice = h("p", { class: "notice", role: "status" });
  const input = h("textarea", {
    id: "cd-input",
    rows: 1,
    maxlength: 4000,
    placeholder: t("placeholder"),
    autocomplete: "off",
    enterkeyhint: "send",
  });
  const sendButton = h("button", {
    type: "submit",
    class: "send",
    "aria-label": t("send"),
    title: t("send"),
  });
  sendButton.appendChild(icon("send"));
  // Files go with a ticket: the composer view shows the paperclip once there is an open one.
  const attach = iconButton(t("attach"), "clip", { class: "icon-btn attach", hidden: "" });
  const file = h("input", { type: "file", class: "sr", tabindex: -1, "aria-hidden": "true" });
  const composer = h(
    "form",
    { class: "composer" },
    h("label", { for: "cd-input", class: "sr" }, t("message_label")),
    input,
    attach,
    file,
    sendButton,
  );
  const screen = h("div", { class: "screen", hidden: true });
  const panel = h(
    "section",
    {
      id: "cd-panel",
      class: "panel",
      role: "dialog",
      "aria-label": t("chat_with", { name: t("support") }),
      hidden: true,
    },
    h(
      "header",
      { class: "head" },
      h("div", { class: "heading" }, title, status),
      person,
      optionsButton,
      close,
    ),
    options,
    h("div", { class: "main" }, notices, banner, strip, scrollArea, chips, notice, composer, screen),
  );
  const root = h(
    "div",
    { class: "root", lang: i18n.lang, "data-position": position },
    panel,
    prompt,
    launcher,
  );
  return {
    root,
    launcher,
    badge,
    prompt,
    promptText,
    promptClose,
    panel,
    title,
    status,
    person,
    optionsButton,
    close,
    options,
    lang,
    transcript,
    forget,
    banner,
    notices,
    strip,
    scroller,
    content,
    pill,
    intro,
    log,
    typing,
    cards,
    chips,
    notice,
    composer,
    input,
    attach,
    file,
    screen,
  };
}
