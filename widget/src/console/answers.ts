// The answers panel of a ticket's and a conversation's page: the help centre's entries for
// what the requester or visitor asks (drawn by the server, then for each new message of a
// chat's visitor), a search over the socket (`answers`), and buttons that put an entry's
// answer or its link in the reply box at the caret. Without this script the panel still
// works: its form reloads the page with the search, and each answer can be read.
import { $, call, el, failed, toast } from "./common";
import { Key, t } from "./i18n";
import type { AnswerOut } from "../generated/protocol";

/** Make the panel in ``section`` search over the socket and insert into ``box``; return
 * what shows the answers to a new question of the person asking (unless the operator has
 * a search of their own in the box). */
export function setupAnswers(
  section: HTMLElement, box: HTMLTextAreaElement, typed: () => void,
): (question: string) => void {
  const panel = $<HTMLElement>("#answers", section);
  const list = $<HTMLUListElement>("#answers-list", section);
  const form = $<HTMLFormElement>("form.answers-search", section);
  const said = $<HTMLElement>("#answers-for", section);
  const search = $<HTMLInputElement>("#answers-q", section);
  if (!panel || !list || !form || !said || !search) return () => undefined;
  for (const actions of list.querySelectorAll<HTMLElement>(".actions")) actions.hidden = false;

  list.addEventListener("click", (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>("button[data-insert]");
    const item = button?.closest<HTMLLIElement>("li");
    if (!button || !item) return;
    const text = button.dataset.insert === "link"
      ? `${item.dataset.title || ""} (${item.dataset.url || ""})`
      : item.querySelector(".text")?.textContent || "";
    insertAt(box, text);
    typed();
    toast(t("answers_inserted"));
    // Counted for the help centre's report ("quoted by operators"); a refusal changes nothing here.
    void call("answer_quoted", { id: item.dataset.id || "", lang: item.dataset.lang || "" });
  });

  // Answers come back in any order: only the latest request's are drawn, and the visitor's
  // never over a search the operator typed since (it was asked before, answered after).
  let latest = 0;
  async function show(q: string, label: Key, typed = false): Promise<void> {
    const mine = ++latest;
    const ack = await call("answers", { q, lang: panel?.dataset.lang || "en", typed });
    if (!list || !said || mine !== latest || (!typed && search?.value.trim())) return;
    if (ack.ok) {
      draw(list, ack.answers as AnswerOut[], panel?.dataset.lang || "");
      said.textContent = t(label);
    } else if (ack.error?.code === "rate_limited") {
      said.textContent = t("answers_limited");
    } else {
      failed(ack);
    }
  }

  form.addEventListener("submit", (event) => {
    const q = search.value.trim();
    if (!q) return; // the page again, with the answers to the person's question
    event.preventDefault();
    void show(q, "answers_for_search", true);
  });
  return (question) => {
    const q = question.trim();
    if (q && !search.value.trim()) void show(q, (panel.dataset.for || "answers_for_requester") as Key);
  };
}

/** Redraw the list with ``answers`` (people's text only through textContent). */
function draw(list: HTMLUListElement, answers: AnswerOut[], lang: string): void {
  list.replaceChildren();
  for (const a of answers) {
    const link = el("a", { text: a.title });
    link.href = new URL(a.url).pathname;
    link.target = "_blank";
    link.rel = "noopener";
    const item = el("li", {}, link);
    item.dataset.id = a.id;
    item.dataset.lang = a.lang;
    item.dataset.url = a.url;
    item.dataset.title = a.title;
    if (a.lang !== lang) item.append(" ", el("span", { className: "badge", text: a.lang.toUpperCase() }));
    const read = el("details", {}, el("summary", { text: t("answers_show") }), el("p", { className: "text", text: a.text }));
    const answer = el("button", { text: t("answers_insert") });
    const href = el("button", { text: t("answers_insert_link") });
    for (const [button, what] of [[answer, "answer"], [href, "link"]] as const) {
      button.type = "button";
      button.dataset.insert = what;
    }
    item.append(read, el("p", { className: "actions" }, answer, " ", href));
    list.append(item);
  }
  if (!answers.length) list.append(el("li", { className: "hint", text: t("answers_none") }));
}

/** Put ``text`` in ``box`` at the caret (replacing a selection), a blank line from what
 * is around it, and leave the caret after it. */
function insertAt(box: HTMLTextAreaElement, text: string): void {
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  const before = box.value.slice(0, start);
  const after = box.value.slice(end);
  const lead = !before.trim() ? "" : before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const tail = !after.trim() ? "" : after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  box.value = `${before}${lead}${text}${tail}${after}`;
  const caret = before.length + lead.length + text.length;
  box.focus();
  box.setSelectionRange(caret, caret);
  // Say it changed: the box's own listeners (who is writing, drafts) follow.
  box.dispatchEvent(new Event("input", { bubbles: true }));
}
