// Keyboard shortcuts: 1 2 3 lists, j k move, c claim, x close, r reply.
import { $ } from "./common";

/** Listen for the console's shortcuts (never while typing in a field). */
export function setupKeys(inbox: HTMLElement | null, view: HTMLElement | null): void {
  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (target.closest("input, textarea, select, [contenteditable]")) return;
    const lists: Record<string, string> = { "1": "queue", "2": "mine", "3": "all" };
    if (lists[event.key]) {
      window.location.href = `/console/${lists[event.key]}`;
    } else if (view && event.key === "c") {
      $<HTMLButtonElement>('[data-action="claim"]:not([hidden])', view)?.click();
    } else if (view && event.key === "x") {
      $<HTMLButtonElement>('[data-action="close"]:not([hidden])', view)?.click();
    } else if (view && event.key === "r") {
      event.preventDefault();
      $<HTMLTextAreaElement>("#reply")?.focus();
    } else if (inbox && (event.key === "j" || event.key === "k")) {
      const rows = Array.from(inbox.querySelectorAll<HTMLAnchorElement>("li.conv a"));
      const at = rows.indexOf(document.activeElement as HTMLAnchorElement);
      const next = rows[Math.max(0, Math.min(rows.length - 1, at + (event.key === "j" ? 1 : -1)))];
      next?.focus();
    }
  });
}
