// The message box: Enter sends, Shift+Enter makes a new line, the box grows with the text;
// the visitor's typing is told to the controller (which tells the desk, sparingly); the
// paperclip sends a file once the conversation has an open ticket.

import { Render, ViewContext } from "./context";

export function composerView({ ui, intents }: ViewContext): Render {
  const autosize = (): void => {
    ui.input.style.height = "auto";
    ui.input.style.height = `${Math.min(ui.input.scrollHeight, 120)}px`;
  };
  ui.composer.addEventListener("submit", (event) => {
    event.preventDefault();
    intents.send(ui.input.value);
    ui.input.value = "";
    autosize();
    intents.typing(false);
    ui.input.focus();
  });
  ui.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });
  ui.input.addEventListener("input", () => {
    autosize();
    intents.typing(ui.input.value.trim() !== "");
  });
  ui.attach.addEventListener("click", () => ui.file.click());
  ui.file.addEventListener("change", () => {
    const chosen = ui.file.files && ui.file.files[0];
    if (chosen) intents.attach(chosen);
    ui.file.value = ""; // the same file chosen again is a new send
  });
  // The paperclip: only once the conversation has an open ticket (files are its files).
  return (s) => {
    const ticket = s.conv.ticket;
    ui.attach.hidden = !(s.phase === "ready" && ticket && ticket.status !== "closed");
  };
}
