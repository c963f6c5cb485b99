// `@` in a ticket's note (the reply box, "Internal note" ticked) lists the colleagues whose name starts with what follows
// (a note that names one tells them: helpdesk/mentions.py); arrows choose, Enter or Tab
// inserts `@Their Name `. The list is the desk's operators (`operators`), me excepted.
import { call, me } from "./common";
import { attachPicker } from "./picker";
import { OperatorInfo } from "./protocol";

const TYPED = /(?:^|\s)@([\p{L}\p{N}'-]*)$/u;

/** Attach the picker to ``box`` (its options go in ``picker``); it lists only while
 * ``on()`` (a note: a public reply names nobody, and goes to the requester as typed). */
export function attachMentions(
  box: HTMLTextAreaElement,
  picker: HTMLUListElement,
  on: () => boolean,
): void {
  let names: string[] = [];
  call("operators", {}).then((ack) => {
    if (!ack.ok) return;
    names = (ack.operators as OperatorInfo[])
      .filter((o) => o.id !== me)
      .map((o) => o.name)
      .sort((a, b) => a.localeCompare(b));
    // An `@` typed before the list came: offer the names now, not at the next key.
    if (typed()) box.dispatchEvent(new Event("input"));
  });
  const typed = (): RegExpExecArray | null =>
    TYPED.exec(box.value.slice(0, box.selectionStart ?? box.value.length));
  const matches = (): string[] => {
    const m = on() ? typed() : null;
    if (!m) return [];
    const start = m[1].toLocaleLowerCase();
    return names.filter((n) => n.toLocaleLowerCase().startsWith(start)).slice(0, 8);
  };
  const insert = (name: string): void => {
    const m = typed();
    if (!m) return;
    const caret = box.selectionStart ?? box.value.length;
    const from = caret - m[1].length;
    box.value = `${box.value.slice(0, from)}${name} ${box.value.slice(caret)}`;
    box.selectionStart = box.selectionEnd = from + name.length + 1;
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true }));
  };
  attachPicker(box, picker, matches, (name) => `@${name}`, insert);
}
