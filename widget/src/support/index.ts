// The requester portal's script (/support/new, and a ticket's page for its reply's files):
// the ALTCHA widget (self-hosted, its proof-of-work worker served by the desk), files by
// drag and drop with the desk's limits, fields whose "(required)" follows the type and
// priority, and help articles suggested while the requester types. The form works without
// it, except the anti-robot check (the page says so in <noscript>).

import "altcha/external";
import "altcha/i18n/fr-fr";
import "altcha/i18n/nl";
import { enhanceFiles } from "./files";
import { followAsked, followRequired } from "./required";
import { suggestArticles } from "./suggest";
import { readTexts } from "./texts";

// The one algorithm the desk issues (chatdesk/helpdesk/challenges.py), in a worker file of
// our own origin: the page's CSP allows no blob: workers.
globalThis.$altcha.algorithms.set(
  "PBKDF2/SHA-256",
  () => new Worker("/support/assets/altcha-worker.js"),
);

function start(): void {
  const texts = readTexts();
  if (texts === null) return;
  const form = document.getElementById("ticket-form");
  if (form instanceof HTMLFormElement) {
    enhanceFiles(form, texts);
    followRequired(form);
    followAsked(form);
    suggestArticles(form, texts);
  }
  // A ticket's page: the reply's files get the same drop zone and limits.
  const reply = document.querySelector("form.reply");
  if (reply instanceof HTMLFormElement) enhanceFiles(reply, texts);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", start);
} else {
  start();
}
