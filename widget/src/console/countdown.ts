// SLA countdowns: "in 1 h 05 min" / "12 min late", red once a due time has passed or a
// breach was recorded. Counted from the desk's clock (the page's data-now, kept in step by
// each ticket_watch), so a desk whose clock differs from the browser's still shows its own.
import { t } from "./i18n";

let offset = 0; // desk time minus browser time, in ms

/** Take the desk's current time (ISO) as "now" for every countdown. */
export function setDeskNow(iso: string | undefined): void {
  const desk = iso ? Date.parse(iso) : NaN;
  if (!isNaN(desk)) offset = desk - Date.now();
}

/** The time left (negative: late) for people, e.g. "2 h 05 min". */
export function span(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d) return t("remaining_days", { d, h });
  if (h) return t("remaining", { h, m: String(m).padStart(2, "0") });
  return t("remaining_min", { m });
}

/** Write every countdown under `root` once. */
export function drawCountdowns(root: ParentNode = document): void {
  const now = Date.now() + offset;
  root.querySelectorAll<HTMLElement>("[data-due]").forEach((node) => {
    const due = Date.parse(node.dataset.due || "");
    if (isNaN(due)) return;
    const left = due - now;
    const late = left < 0 || node.hasAttribute("data-breached");
    const text = left < 0 ? t("overdue", { time: span(left) }) : t("due_in", { time: span(left) });
    if (node.tagName === "TIME") node.setAttribute("title", text);
    else node.textContent = text;
    if (node.tagName === "TIME") node.textContent = text;
    node.closest(".due")?.classList.toggle("late", late);
    node.closest(".trow")?.classList.toggle("is-late", late);
  });
}

/** Keep the countdowns under `root` running (every second: minutes change on time). */
export function runCountdowns(root: ParentNode, deskNow: string | undefined): void {
  setDeskNow(deskNow);
  drawCountdowns(root);
  window.setInterval(() => drawCountdowns(root), 1000);
}
