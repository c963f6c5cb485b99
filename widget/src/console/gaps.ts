// The bot's misses page: the copy button of an accepted group's YAML snippet.
// The page works without it (the snippet is shown and can be downloaded).
import { $ } from "./common";

/** Show the copy buttons and copy the snippet beside each to the clipboard. */
export function setupGaps(section: HTMLElement): void {
  if (!navigator.clipboard) return; // insecure origin: no clipboard; select and copy by hand
  for (const button of section.querySelectorAll<HTMLButtonElement>("button.copy")) {
    const box = button.closest<HTMLElement>(".snippet");
    const pre = box?.querySelector("pre");
    const status = box?.querySelector<HTMLElement>(".copied");
    if (!pre || !status) continue;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(pre.textContent ?? "").then(
        () => { status.textContent = button.dataset.copied ?? ""; },
        () => { status.textContent = ""; },
      );
    });
  }
  const accepted = $<HTMLElement>(".snippet pre");
  accepted?.focus();
}
