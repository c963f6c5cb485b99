// The message box: Enter sends, Shift+Enter makes a new line, the box grows with the text,
// and the visitor's typing is told to the desk, sparingly.

import { Shell } from "./shell";
import type { Widget } from "./widget";

export class Composer {
  private typingSent = 0; // when "typing on" was last sent (0: "off" was)

  constructor(private readonly w: Widget) {}

  /** Listen to the composer of a (new) frame. */
  wire(ui: Shell): void {
    ui.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.w.messages.send(ui.input.value);
      ui.input.value = "";
      this.autosize();
      this.sendTyping(false);
      ui.input.focus();
    });
    ui.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        ui.composer.requestSubmit();
      }
    });
    ui.input.addEventListener("input", () => {
      this.autosize();
      this.sendTyping(ui.input.value.trim() !== "");
    });
  }

  sendTyping(on: boolean): void {
    const { link, timers } = this.w;
    const now = Date.now();
    if (on) {
      // At most every 3 s while typing; "off" after 5 s without a keystroke.
      if (now - this.typingSent > 3_000) {
        this.typingSent = now;
        link.send("typing", { on: true });
      }
      timers.later("typing-off", 5_000, () => this.sendTyping(false));
    } else if (this.typingSent) {
      this.typingSent = 0;
      timers.clear("typing-off");
      link.send("typing", { on: false });
    }
  }

  private autosize(): void {
    const input = this.w.ui.input;
    input.style.height = "auto";
    input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  }
}
