// The page's texts for this script, in the requester's language: rendered by the server
// into <script type="application/json" id="support-texts"> (never executed).

export interface SupportTexts {
  drop: string;
  choose_files: string;
  remove_file: string; // "{name}"
  file_too_big: string; // "{name}", "{max_file}"
  files_too_big: string; // "{name}", "{max_ticket}"
  max_file: string;
  max_ticket: string;
  suggest_solved: string;
  suggest_thanks: string;
  suggest_new: string;
}

export function readTexts(): SupportTexts | null {
  const node = document.getElementById("support-texts");
  if (node === null) return null;
  try {
    return JSON.parse(node.textContent ?? "") as SupportTexts;
  } catch {
    return null;
  }
}

/** `text` with each `{name}` replaced by `values[name]`. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
