// The bar on every page: live list counts, the presence toggle, auto-assign offers.
import { $, call, failed, socket, Summary, toast } from "./common";

/** Show the operator's list sizes in the tabs. */
export function setCounts(counts: Record<string, number>): void {
  for (const [name, n] of Object.entries(counts)) {
    const badge = $<HTMLElement>(`[data-count="${name}"]`);
    if (badge) badge.textContent = String(n);
  }
}

/** Make the header live. */
export function setupHeader(): void {
  const presence = $<HTMLButtonElement>("#presence");
  function setPresence(status: string): void {
    if (!presence) return;
    presence.dataset.status = status;
    presence.textContent = status;
  }
  presence?.addEventListener("click", async () => {
    const next = presence.dataset.status === "online" ? "away" : "online";
    const ack = await call("status", { status: next });
    if (!failed(ack)) setPresence(next);
  });

  socket.on("hello", (hello: { status: string; counts: Record<string, number> }) => {
    setPresence(hello.status);
    setCounts(hello.counts);
  });
  socket.on("counts", setCounts);
  socket.on("connect_error", (err: Error) => {
    if (err.message === "unauthorized") window.location.href = "/console/login?next=" +
      encodeURIComponent(window.location.pathname);
    else toast("Reconnecting…");
  });

  const offerBox = $<HTMLElement>("#offer");
  let offered: string | null = null;
  socket.on("offer", (offer: { conversation: Summary }) => {
    if (!offerBox) return;
    offered = offer.conversation.id;
    const what = $<HTMLElement>(".offer-what", offerBox);
    if (what) {
      const t = offer.conversation.ticket;
      what.textContent = `${t ? t.number + " · " + t.subject : "A visitor"} (${offer.conversation.priority})`;
    }
    offerBox.hidden = false;
    $<HTMLButtonElement>('[data-action="accept"]', offerBox)?.focus();
  });
  offerBox?.addEventListener("click", async (event) => {
    const action = (event.target as HTMLElement).closest("button")?.dataset.action;
    if (!action || !offered) return;
    const id = offered;
    offerBox.hidden = true;
    offered = null;
    if (action === "accept") {
      const ack = await call("claim", { conversation_id: id });
      if (!failed(ack)) window.location.href = `/console/c/${id}`;
    } else {
      failed(await call("decline", { conversation_id: id }));
    }
  });
}
