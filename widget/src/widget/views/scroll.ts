// Keeping the newest message in view: while the visitor is at the end of the conversation it
// stays pinned there, whatever grows (messages, system lines, the state strip, forms, quick
// replies, the composer). Once they scroll up it stays where they are, and a "new messages"
// pill appears when something arrives; clicking it scrolls down.

import { maxSeq } from "../thread";
import { Render, ViewContext } from "./context";

// Within this distance of the end counts as at the end (a line or so).
const SLACK = 48;

export function scrollView({ ui }: ViewContext): Render {
  const s = ui.scroller;
  let pinned = true;
  let seenSeq = 0; // the newest message when the visitor was last at the end
  let newest = 0;
  let placed = 0; // scrollTop where this view last put the scroller

  const atEnd = (): boolean => s.scrollHeight - s.scrollTop - s.clientHeight < SLACK;
  const toEnd = (): void => {
    s.scrollTop = s.scrollHeight;
    placed = s.scrollTop;
  };
  // The visitor may have scrolled up an instant ago, before the scroll event (it comes with
  // the next frame): growth never lowers scrollTop, so a lower one is theirs.
  const notice = (): void => {
    if (pinned && !atEnd() && s.scrollTop < placed - 2) pinned = false;
  };
  const follow = (): void => {
    notice();
    if (pinned) toEnd();
  };
  // Layout changes (the strip, chips or a form appearing, the panel opening) fire no scroll
  // event: observe sizes instead of guessing which change moves what.
  const observer = new ResizeObserver(follow);
  observer.observe(s);
  observer.observe(ui.content);

  s.addEventListener("scroll", () => {
    pinned = atEnd();
    if (pinned) {
      seenSeq = newest;
      ui.pill.hidden = true;
    }
  });
  ui.pill.addEventListener("click", () => {
    pinned = true;
    seenSeq = newest;
    ui.pill.hidden = true;
    toEnd();
  });

  return (state, prev) => {
    notice();
    newest = maxSeq(state.items);
    const last = state.items[state.items.length - 1];
    const grew = prev !== null && state.items.length > prev.items.length;
    // The visitor's own message always brings them to the end.
    if (grew && last && last.author === "visitor" && last.seq === null) pinned = true;
    if (pinned) {
      seenSeq = newest;
      toEnd();
    } else if (newest > seenSeq && state.items.some((i) => i.seq === newest && i.author !== "visitor")) {
      ui.pill.hidden = false;
    }
    if (state.phase === "forgotten") ui.pill.hidden = true;
  };
}
