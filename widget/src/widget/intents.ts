// What the visitor can ask of the widget, as the views see it: views draw the state and call
// these; the controller (controller.ts) carries them out and changes the state.

import { Choice, ContactDetails, RatingValue } from "./protocol";
import { Screen } from "./state";
import { Item } from "./thread";

/** Send the value; resolve to an error text to show, or null when accepted. */
export type Submit<T> = (value: T) => Promise<string | null>;

export interface Intents {
  open(focus?: boolean): void;
  close(): void;
  toggle(): void;
  send(text: string): void;
  /** Send a file (the conversation has an open ticket): shown "sending" until stored. */
  attach(file: File): void;
  choose(choice: Choice): void;
  retry(item: Item): void;
  rate(item: Item, useful: boolean): void;
  escalate(): void;
  contact: Submit<ContactDetails>;
  /** Mail the conversation to this address (`transcript`). */
  transcript: Submit<string>;
  rateConversation: Submit<RatingValue>;
  setLanguage(tag: string): void;
  options(open: boolean): void;
  screen(screen: Screen): void;
  forget(): Promise<string | null>;
  startOver(): void;
  typing(on: boolean): void;
  dismissNotice(id: string): void;
  /** Put the site's invitation away (its ×). */
  dismissPrompt(): void;
}
