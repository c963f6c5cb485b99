// Fields required for some types or priorities only (`required = { types, priorities }`):
// their "(required)" or "(optional)" follows the type and priority the requester picks, and
// so does the browser's own check. The server checks again whatever the page says.

function chosen(form: HTMLFormElement, name: string): string {
  const value = new FormData(form).get(name);
  return typeof value === "string" ? value : "";
}

function words(element: HTMLElement, key: string): string[] {
  return (element.dataset[key] ?? "").split(" ").filter((word) => word !== "");
}

function update(form: HTMLFormElement, fields: HTMLElement[]): void {
  const type = chosen(form, "type");
  const priority = chosen(form, "priority");
  for (const field of fields) {
    const required =
      words(field, "requiredTypes").includes(type) ||
      words(field, "requiredPriorities").includes(priority);
    const mark = field.querySelector<HTMLElement>("label .req");
    if (mark !== null) mark.hidden = !required;
    const optional = field.querySelector<HTMLElement>("label .opt");
    if (optional !== null) optional.hidden = required;
    const input = field.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
      "input, select, textarea",
    );
    if (input !== null) input.required = required;
  }
}

// Fields asked for some types only (`types = [...]`, and the priority on a complaint): shown
// and sent for those types only (a hidden field's inputs are disabled, so not sent).
function showAsked(form: HTMLFormElement, parts: HTMLElement[]): void {
  const type = chosen(form, "type");
  for (const part of parts) {
    const asked = words(part, "types").includes(type);
    part.hidden = !asked;
    if (part instanceof HTMLFieldSetElement) part.disabled = !asked;
    else part.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
      "input, select, textarea",
    )
      .forEach((input) => { input.disabled = !asked; });
  }
}

/** Shows the fields asked for the type the requester picks, and only those. */
export function followAsked(form: HTMLFormElement): void {
  const parts = Array.from(form.querySelectorAll<HTMLElement>(".asked[data-types]"));
  if (parts.length === 0) return;
  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLSelectElement && target.name === "type") showAsked(form, parts);
  });
  showAsked(form, parts);
}

/** Keeps conditionally required fields' marks and checks in step with the form. */
export function followRequired(form: HTMLFormElement): void {
  const fields = Array.from(
    form.querySelectorAll<HTMLElement>("[data-required-types], [data-required-priorities]"),
  );
  if (fields.length === 0) return;
  form.addEventListener("change", (event) => {
    const target = event.target;
    if (target instanceof HTMLSelectElement || target instanceof HTMLInputElement) {
      if (target.name === "type" || target.name === "priority") update(form, fields);
    }
  });
  update(form, fields);
}
