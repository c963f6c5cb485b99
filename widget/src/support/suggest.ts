// Deflection before a ticket: while the requester types the subject and description, up to
// three help articles that may answer it (GET /help/suggest, debounced); "this solved it"
// records a deflection (POST /help/deflect) and shows a thank-you instead of the form.

import { SupportTexts } from "./texts";

const DEBOUNCE_MS = 300;
const MIN_CHARS = 8;
const SHOWN = 3;

interface Article {
  id: string;
  title: string;
  url: string;
  confidence: number;
}

function readArticles(value: unknown): Article[] {
  const list = (value as { articles?: unknown } | null)?.articles;
  if (!Array.isArray(list)) return [];
  return list
    .filter(
      (a): a is Article =>
        typeof a === "object" &&
        a !== null &&
        typeof a.id === "string" &&
        typeof a.title === "string" &&
        typeof a.url === "string" &&
        // Only our own help pages: never a link elsewhere from this endpoint.
        a.url.startsWith("/"),
    )
    .slice(0, SHOWN);
}

export function suggestArticles(form: HTMLFormElement, texts: SupportTexts): void {
  const box = document.getElementById("suggestions");
  const done = document.getElementById("deflect-done");
  const subject = form.querySelector<HTMLInputElement>("#f-subject");
  const description = form.querySelector<HTMLTextAreaElement>("#f-description");
  const list = box?.querySelector("ul");
  if (!box || !done || !subject || !description || !list) return;
  const lang = box.dataset.lang ?? "en";
  let timer: number | undefined;
  let asked = 0;
  let query = "";

  async function ask(): Promise<void> {
    const q = `${subject!.value} ${description!.value}`.trim().slice(0, 500);
    if (q.length < MIN_CHARS || q === query) return;
    query = q;
    const mine = ++asked;
    let articles: Article[] = [];
    try {
      const url = `/help/suggest?q=${encodeURIComponent(q)}&lang=${encodeURIComponent(lang)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) articles = readArticles(await response.json());
    } catch {
      articles = []; // no suggestions is fine: the form is what matters
    }
    if (mine !== asked) return; // a newer question was asked meanwhile
    list!.replaceChildren(...articles.map((a) => item(a, q)));
    box!.hidden = articles.length === 0;
  }

  function item(article: Article, q: string): HTMLLIElement {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = article.url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = article.title;
    const solved = document.createElement("button");
    solved.type = "button";
    solved.textContent = texts.suggest_solved;
    solved.addEventListener("click", () => void deflect(article, q));
    li.append(link, solved);
    return li;
  }

  async function deflect(article: Article, q: string): Promise<void> {
    try {
      await fetch("/help/deflect", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ entry_id: article.id, lang, q }),
      });
    } catch {
      // Counting the deflection is the desk's business; the requester is helped anyway.
    }
    form.hidden = true;
    box!.hidden = true;
    const thanks = document.createElement("p");
    thanks.textContent = texts.suggest_thanks;
    const again = document.createElement("button");
    again.type = "button";
    again.className = "link";
    again.textContent = texts.suggest_new;
    again.addEventListener("click", () => {
      form.hidden = false;
      done!.hidden = true;
      subject!.focus();
    });
    done!.replaceChildren(thanks, again);
    done!.hidden = false;
    done!.tabIndex = -1;
    done!.focus();
  }

  for (const field of [subject, description]) {
    field.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void ask(), DEBOUNCE_MS);
    });
  }
}
