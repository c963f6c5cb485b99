// Collision detection on a ticket's page (`ticket_presence`): this tab says that it views
// the ticket, or writes a reply (its reply box holds text), and says it again every 25 s;
// the page shows the other operators on the ticket and forgets a tab silent for 60 s.
import { $, call, el, me, socket } from "./common";
import { t } from "./i18n";
import { TicketPresence } from "./protocol";

type State = "viewing" | "replying";

const BEAT_MS = 25_000;
const FORGET_MS = 60_000;

/** Show who else is on the ticket `id`; return what to call when the reply box was changed
 * by a script (a canned response inserted, the box emptied after sending). */
export function setupViewers(
  section: HTMLElement,
  id: string,
  box: HTMLTextAreaElement | null,
): () => void {
  const line = $<HTMLElement>("#t-viewers", section);
  // Other operators' tabs (`operator/tab`): one operator may have the ticket open twice.
  const tabs = new Map<string, { operator: string; name: string; state: State; seen: number }>();
  let state: State = "viewing";

  const say = (): void => {
    void call("ticket_presence", { ref: id, state });
  };

  const draw = (): void => {
    if (!line) return;
    const people = new Map<string, { name: string; state: State }>();
    for (const [key, tab] of tabs) {
      if (tab.seen < Date.now() - FORGET_MS) tabs.delete(key);
      else if (people.get(tab.operator)?.state !== "replying") people.set(tab.operator, tab);
    }
    const items = [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
    line.replaceChildren(...items.flatMap((p, i) => [
      ...(i ? [" · "] : []),
      el("span", { className: p.state, text: t(`presence_${p.state}`, { name: p.name }) }),
    ]));
    line.hidden = items.length === 0;
    line.classList.toggle("replying", items.some((p) => p.state === "replying"));
  };

  socket.on("ticket_presence", (p: TicketPresence) => {
    if (p.ticket_id !== id || p.operator_id === me) return;
    const key = `${p.operator_id}/${p.tab}`;
    if (p.state === "left") {
      tabs.delete(key);
    } else {
      const known = tabs.has(key);
      tabs.set(key, { operator: p.operator_id, name: p.name, state: p.state, seen: Date.now() });
      // A newcomer learns of this tab now rather than at its next beat (once: from then
      // on each knows the other, so the answers stop).
      if (!known) say();
    }
    draw();
  });
  // Joining again after a reconnection (the server forgot this connection's tickets).
  socket.on("connect", say);
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
