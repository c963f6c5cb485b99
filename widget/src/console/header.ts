// The bar on every page: live list counts, the presence toggle, the language menu,
// auto-assign offers.
import { $, call, failed, socket, toast } from "./common";
import { label, t } from "./i18n";
import { Hello, Offer } from "./protocol";

/** Show the operator's list sizes in the tabs. */
export function setCounts(counts: Readonly<Record<"queue" | "mine" | "all", number>>): void {
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
    presence.textContent = label("status", status);
  }
  presence?.addEventListener("click", async () => {
    const next = presence.dataset.status === "online" ? "away" : "online";
    const ack = await call("status", { status: next });
    if (!failed(ack)) setPresence(next);
  });

  // The language menu takes effect when chosen (the button is there for pages without JS).
  const langForm = $<HTMLFormElement>(".lang-form");
  $<HTMLSelectElement>("#console-lang")?.addEventListener("change", () => langForm?.requestSubmit());
  const langSubmit = $<HTMLButtonElement>(".lang-submit");
  if (langSubmit) langSubmit.hidden = true;

  socket.on("hello", (hello: Hello) => {
    setPresence(hello.status);
    setCounts(hello.counts);
  });
  socket.on("counts", setCounts);
  socket.on("connect_error", (err: Error) => {
    if (err.message === "unauthorized") window.location.href = "/console/login?next=" +
      encodeURIComponent(window.location.pathname);
    else toast(t("reconnecting"));
  });
  // The server cut this console (its session ended: "sign out my other sessions", a new
  // password, a disabled account; or it is shutting down). Socket.IO does not reconnect
  // by itself then: try, and a refusal sends the page to the sign-in form.
  socket.on("disconnect", (reason: string) => {
    if (reason === "io server disconnect") socket.connect();
  });

  const offerBox = $<HTMLElement>("#offer");
  let offered: string | null = null;
  socket.on("offer", (offer: Offer) => {
    if (!offerBox) return;
    offered = offer.conversation.id;
    const what = $<HTMLElement>(".offer-what", offerBox);
    if (what) {
      const ticket = offer.conversation.ticket;
      const priority = label("priority", offer.conversation.priority || "normal");
      what.textContent = `${ticket ? ticket.number + " · " + ticket.subject : t("a_visitor")} (${priority})`;
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
