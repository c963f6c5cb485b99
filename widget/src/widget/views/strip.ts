// The conversation's state pinned under the header: queue, ticket and promised reply time,
// closed. It follows `state`: once queued or live, the waiting UI is gone.

import { stateLines } from "../cards";
import { fill, h } from "../dom";
import { WidgetState } from "../state";
import { changed, Render, ViewContext } from "./context";

export function stripView({ ui, i18n, intents }: ViewContext): Render {
  function drawStrip(s: WidgetState): void {
    const lines = s.phase === "forgotten" || s.phase === "blocked" ? null : stateLines(s.conv, i18n);
    const parts: Node[] = [];
    if (lines) {
      if (s.contactDone) lines.push(i18n.t("contact_thanks", { email: s.contactDone }));
      parts.push(h("div", { role: "status" }, ...lines.map((line) => h("p", null, line))));
      if (offerForm(s)) {
        parts.push(
          h(
            "button",
            { type: "button", class: "primary", onclick: () => intents.screen("contact") },
            i18n.t("contact_open"),
          ),
        );
      }
    }
    fill(ui.strip, ...parts);
  }

  return (s, prev) => {
    if (changed(s, prev, (x) => [x.conv, x.contactDone, x.phase, x.desk])) drawStrip(s);
  };
}

/** The offline form is offered while the ticket waits and no e-mail address was given. */
export function offerForm(s: WidgetState): boolean {
  return s.conv.mode === "waiting" && s.conv.offline_form && !s.contactDone;
}
