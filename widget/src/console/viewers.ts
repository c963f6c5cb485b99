// Collision detection on a ticket's page (`ticket_presence`): this tab says that it views
// the ticket, or writes a reply (its reply box holds text), and says it again every 25 s;
// the page shows the other operators on the ticket and forgets a tab silent for 60 s. The
// ticket lists show the same from `ticket_viewers` (ticketlist.ts); a list that opens asks
// for a roll call, and every page answers that list at once.
import { $, call, el, me, socket } from "./common";
import { t } from "./i18n";
import { RollCall, TicketPresence } from "./protocol";

type State = "viewing" | "replying";
type Person = { name: string; state: State };

export const BEAT_MS = 25_000;
const FORGET_MS = 60_000;

/** Other operators' tabs on one ticket (`operator/tab`: one operator may have it open
 * twice), each forgotten once silent for 60 s. */
export class Tabs {
  private tabs = new Map<string, Person & { operator: string; seen: number }>();

  /** Take an event in (not this operator's own); return whether it told of a new tab. */
  hear(p: TicketPresence): boolean {
    if (p.operator_id === me) return false;
    const key = `${p.operator_id}/${p.tab}`;
    if (p.state === "left") {
      this.tabs.delete(key);
      return false;
    }
    const known = this.tabs.has(key);
    this.tabs.set(key, { operator: p.operator_id, name: p.name, state: p.state, seen: Date.now() });
    return !known;
  }

  /** The operators on the ticket, one each (replying if any of their tabs is), by name. */
  people(): Person[] {
    const people = new Map<string, Person>();
    for (const [key, tab] of this.tabs) {
      if (tab.seen < Date.now() - FORGET_MS) this.tabs.delete(key);
      else if (people.get(tab.operator)?.state !== "replying") people.set(tab.operator, tab);
    }
    return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/** One operator on a ticket: the sentence saying what they do, or (``short``, for a
 * list's row) their name, the sentence for screen readers and as a tooltip. */
export function personChip(p: Person, short: boolean): HTMLSpanElement {
  const said = t(`presence_${p.state}`, { name: p.name });
  if (!short) return el("span", { className: p.state, text: said });
  const name = el("span", { text: p.name });
  name.setAttribute("aria-hidden", "true");
  const chip = el("span", { className: p.state }, el("span", { className: "sr-only", text: said }), name);
  chip.title = said;
  return chip;
}

/** Show who else is on the ticket `id`; return what to call when the reply box was changed
 * by a script (a canned response inserted, the box emptied after sending). */
export function setupViewers(
  section: HTMLElement,
  id: string,
  box: HTMLTextAreaElement | null,
): () => void {
  const line = $<HTMLElement>("#t-viewers", section);
  const tabs = new Tabs();
  let state: State = "viewing";

  const say = (): void => {
    void call("ticket_presence", { ref: id, state });
  };

  const draw = (): void => {
    if (!line) return;
    const items = tabs.people();
    line.replaceChildren(...items.flatMap((p, i) => [...(i ? [" · "] : []), personChip(p, false)]));
    line.hidden = items.length === 0;
    line.classList.toggle("replying", items.some((p) => p.state === "replying"));
  };

  socket.on("ticket_presence", (p: TicketPresence) => {
    if (p.ticket_id !== id) return;
    // A newcomer learns of this tab now rather than at its next beat (once: from then on
    // each knows the other, so the answers stop).
    if (tabs.hear(p)) say();
    draw();
  });
  // Joining again after a reconnection (the server forgot this connection's tickets).
  socket.on("connect", say);
  // A ticket list just opened somewhere: tell it (it alone) who is here.
  socket.on("ticket_roll_call", (r: RollCall) => void call("ticket_presence", { ref: id, state, to: r.tab }));
  if (socket.connected) say();
  window.setInterval(() => {
    say();
    draw();
  }, BEAT_MS);
  window.addEventListener("pagehide", () => void call("ticket_presence", { ref: id, state: "left" }));

  const update = (): void => {
    const now: State = box && box.value.trim() ? "replying" : "viewing";
    if (now !== state) {
      state = now;
      say();
    }
  };
  box?.addEventListener("input", update);
  return update;
}
