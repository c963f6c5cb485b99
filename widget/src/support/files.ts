// Files by drag and drop or the file button: the chosen files listed with a remove button,
// each checked against the desk's per-file and per-ticket limits before sending (the server
// checks them again, and the types from the bytes). The native <input type=file> keeps the
// files (through a DataTransfer), so the form posts them as usual.

import { fileSize } from "../common/size";
import { fill, SupportTexts } from "./texts";


export function enhanceFiles(form: HTMLFormElement, texts: SupportTexts): void {
  const box = form.querySelector<HTMLElement>("#files");
  const input = form.querySelector<HTMLInputElement>("#f-files");
  const list = form.querySelector<HTMLUListElement>("#file-list");
  const refused = form.querySelector<HTMLElement>("#files-refused");
  if (!box || !input || !list || !refused || typeof DataTransfer === "undefined") return;
  const maxFile = Number(box.dataset.maxFile);
  const maxTicket = Number(box.dataset.maxTicket);
  let files: File[] = [];

  const zone = document.createElement("div");
  zone.className = "drop";
  const choose = document.createElement("button");
  choose.type = "button";
  choose.textContent = texts.choose_files;
  choose.setAttribute("aria-describedby", "help-files");
  choose.addEventListener("click", () => input.click());
  zone.append(texts.drop + " ", choose);
  input.classList.add("enhanced");
  input.tabIndex = -1;
  input.setAttribute("aria-hidden", "true");
  input.before(zone);

  function sync(): void {
    const transfer = new DataTransfer();
    for (const file of files) transfer.items.add(file);
    input!.files = transfer.files;
    list!.replaceChildren(
      ...files.map((file, index) => {
        const item = document.createElement("li");
        const name = document.createElement("span");
        name.textContent = `${file.name} (${fileSize(file.size, document.documentElement.lang)})`;
        const remove = document.createElement("button");
        remove.type = "button";
        remove.className = "link";
        remove.textContent = fill(texts.remove_file, { name: file.name });
        remove.addEventListener("click", () => {
          files = files.filter((_, i) => i !== index);
          sync();
          choose.focus();
        });
        item.append(name, remove);
        return item;
      }),
    );
  }

  function add(chosen: FileList | null): void {
    const problems: string[] = [];
    let total = files.reduce((sum, file) => sum + file.size, 0);
    for (const file of Array.from(chosen ?? [])) {
      if (file.size > maxFile) {
        problems.push(fill(texts.file_too_big, { name: file.name, max_file: texts.max_file }));
      } else if (total + file.size > maxTicket) {
        problems.push(
          fill(texts.files_too_big, { name: file.name, max_ticket: texts.max_ticket }),
        );
      } else if (!files.some((f) => f.name === file.name && f.size === file.size)) {
        files.push(file);
        total += file.size;
      }
    }
    refused!.textContent = problems.join(" ");
    refused!.hidden = problems.length === 0;
    sync();
  }

  input.addEventListener("change", () => {
    // The input now holds only the new choice: add it to the files kept so far.
    const chosen = input.files;
    add(chosen);
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  for (const type of ["dragleave", "drop"]) {
    zone.addEventListener(type, () => zone.classList.remove("over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    add(event.dataTransfer?.files ?? null);
  });
}
