// What every view gets: the frame it draws into, the texts of the current language, and the
// visitor's intents. A view is a function of the state (and the state before, null at the
// first draw): it draws only its part, and only when what it shows changed.

import { I18n } from "../i18n";
import { Intents } from "../intents";
import { Shell } from "../shell";
import { WidgetState } from "../state";

export interface ViewContext {
  ui: Shell;
  i18n: I18n;
  intents: Intents;
  host: ShadowRoot;
  desk: URL; // where widget.js came from: the desk's base URL
}

export type Render = (s: WidgetState, prev: WidgetState | null) => void;

/** Whether any of `pick`'s values differs between `s` and `prev` (always at the first draw). */
export function changed(
  s: WidgetState,
  prev: WidgetState | null,
  pick: (s: WidgetState) => readonly unknown[],
): boolean {
  if (prev === null) return true;
  const a = pick(s);
  const b = pick(prev);
  return a.some((value, i) => value !== b[i]);
}
