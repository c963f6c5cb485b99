// Service notices (maintenance, outages) above the conversation: the desk's sanitised HTML
// cleaned again with DOMPurify, each with a button to dismiss it (remembered with the
// conversation: it stays closed after a reload, until "Forget me").

import { safeHtml } from "../../common/html";
import { h } from "../dom";
import { changed, Render, ViewContext } from "./context";

export function noticesView({ ui, i18n, intents, desk }: ViewContext): Render {
  return (s, prev) => {
    if (!changed(s, prev, (x) => [x.notices, x.dismissed, x.lang])) return;
    const shown = s.notices.filter((n) => !s.dismissed.includes(n.id));
    ui.notices.replaceChildren(
      ...shown.map((notice) => {
        const dismiss = h(
          "button",
          {
            type: "button",
            class: "notice-dismiss",
            "aria-label": i18n.t("notice_dismiss", { title: notice.title }),
          },
          "×",
        );
        dismiss.addEventListener("click", () => intents.dismissNotice(notice.id));
        const body = h("div", { class: "notice-body" });
        body.appendChild(safeHtml(notice.body_html, desk));
        return h(
          "section",
          { class: `service-notice sev-${notice.severity}`, "aria-label": notice.title },
          h("p", { class: "notice-title" }, h("strong", null, notice.title)),
          body,
          dismiss,
        );
      }),
    );
    ui.notices.hidden = shown.length === 0;
  };
}
