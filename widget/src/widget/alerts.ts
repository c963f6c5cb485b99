// When an operator writes while the page is in the background, the page's title counts
// the new messages ("1 new message · Pricing") until the visitor comes back, and a short
// tone sounds (once they have used the widget: browsers allow sound after a gesture), as
// Intercom's and Crisp's messengers do. A visitor who switched tabs while waiting in the
// queue notices that someone answered. The tone waits a moment: another tab of the site
// where the visitor is reading the chat marks it read first, and nothing sounds.

import { Chime } from "../common/chime";
import { I18n } from "./i18n";
import { WidgetState } from "./state";

/** Operators' messages above the last seq seen with the panel open (any tab). */
function fromPeople(s: WidgetState): number {
  return s.items.filter((i) => i.author === "operator" && i.seq !== null && i.seq > s.readSeq)
    .length;
}

export class Alerts {
  private heard = 0; // unread operators' messages already known (no tone for those)
  private ours = ""; // the title we set ("" while the page's own shows)
  private own = ""; // the page's own title, to give back
  private latest: WidgetState | null = null;
  private waiting = 0; // the tone's timer
  private readonly chime = new Chime();

  constructor(
    root: ShadowRoot,
    private readonly sound: boolean,
  ) {
    if (!sound) return;
    const unlock = (): void => this.chime.unlock();
    root.addEventListener("pointerdown", unlock);
    root.addEventListener("keydown", unlock);
  }

  /** Redraw the title and maybe sound, from the state now (and whether the page is seen). */
  update(s: WidgetState, i18n: I18n): void {
    this.latest = s;
    const unread = fromPeople(s);
    const hidden = document.visibilityState === "hidden";
    if (hidden && unread > this.heard && this.sound && !this.waiting) {
      const before = this.heard;
      this.waiting = window.setTimeout(() => {
        this.waiting = 0;
        const now = this.latest;
        if (document.visibilityState === "hidden" && now && fromPeople(now) > before) {
          this.chime.play();
        }
      }, 800);
    }
    this.heard = unread;
    this.title(hidden ? unread : 0, i18n);
  }

  private title(n: number, i18n: I18n): void {
    if (n === 0) {
      // The page may have changed its title meanwhile (a single-page site): keep that one.
      if (this.ours && document.title === this.ours) document.title = this.own;
      this.ours = "";
      return;
    }
    if (!this.ours || document.title !== this.ours) this.own = document.title;
    this.ours = this.own ? `${i18n.count("unread", n)} · ${this.own}` : i18n.count("unread", n);
    document.title = this.ours;
  }
}
