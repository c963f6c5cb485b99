// A list to choose from under a reply box (canned responses after `/`, colleagues after
// `@`): it follows what is typed; arrows choose, Enter or Tab inserts, Escape closes.
import { el } from "./common";

/** Attach a picker to ``box`` (its options go in ``list``): ``matches`` says what to offer
 * now (nothing: closed), ``label`` how each reads, ``insert`` what choosing one does.
 * Return whether the picker is open, so the box's own Enter (send) waits meanwhile. */
export function attachPicker<T>(
  box: HTMLTextAreaElement,
  list: HTMLUListElement,
  matches: () => T[],
  label: (item: T) => string,
  insert: (item: T) => void,
): () => boolean {
  let choice = 0;
  const choose = (item: T): void => {
    list.hidden = true;
    insert(item);
  };
  const render = (): void => {
    const found = matches();
    list.hidden = found.length === 0;
    choice = Math.min(choice, Math.max(0, found.length - 1));
    list.replaceChildren(...found.map((item, i) => {
      const option = el("li", { text: label(item) });
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", String(i === choice));
      option.addEventListener("mousedown", (e) => { e.preventDefault(); choose(item); });
      return option;
    }));
  };
  box.addEventListener("input", render);
  box.addEventListener("keydown", (event) => {
    const found = list.hidden ? [] : matches();
    if (!found.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      choice = (choice + (event.key === "ArrowDown" ? 1 : found.length - 1)) % found.length;
      render();
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      event.stopImmediatePropagation();
      choose(found[choice]);
    } else if (event.key === "Escape") {
      list.hidden = true;
    }
  });
  return () => !list.hidden;
}
