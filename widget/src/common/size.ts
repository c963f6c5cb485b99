// A file's size as people read it, the same in the widget, the portal and the console:
// "820 kB", "2.4 MB"; in French "820 ko", "2,4 Mo" (a small file reads "1 kB", never "0.0 kB").
// The server writes the same (chatdesk/attachments.py, file_size).

/** ``bytes`` in kB (whole) or MB (one decimal), written the way ``locale`` writes numbers. */
export function fileSize(bytes: number, locale?: string): string {
  const mb = bytes >= 1024 * 1024;
  const value = mb ? bytes / (1024 * 1024) : Math.max(1, Math.round(bytes / 1024));
  const digits = new Intl.NumberFormat(locale, { maximumFractionDigits: mb ? 1 : 0 }).format(value);
  const french = (locale || "").toLowerCase().startsWith("fr");
  const unit = mb ? (french ? "Mo" : "MB") : french ? "ko" : "kB";
  return `${digits}\u00a0${unit}`;
}
