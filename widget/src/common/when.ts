// Times promised to people ("we'll reply by…", "back…", "first reply due"), formatted one
// way everywhere, for the widget and the console: "today at 14:25", "tomorrow at 09:00",
// else "Thursday 3 December, 14:25", in the desk's time zone when it is known.

export interface WhenPatterns {
  /** With a relative day: "{day} at {time}" ("today at 14:25"). */
  relative: string;
  /** With a date: "{day}, {time}" ("Thursday 3 December, 14:25"). */
  dated: string;
}

/** The time zone to show times in: the desk's when valid, else the browser's (undefined). */
export function zoneOrLocal(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    return undefined; // unknown to this browser
  }
  return zone === Intl.DateTimeFormat().resolvedOptions().timeZone ? undefined : zone;
}

/** Days from the start of `a`'s day to the start of `b`'s day, in `zone`. */
function dayNumber(date: Date, zone: string | undefined): number {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(date);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day")) / 86_400_000;
}

/** A promised moment in `locale`, or "" when `iso` is not a time. */
export function promisedTime(
  iso: string,
  locale: string,
  patterns: WhenPatterns,
  zone?: string | null,
  now: Date = new Date(),
): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) return "";
  const timeZone = zoneOrLocal(zone);
  const time = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    // Another zone than the visitor's: say which, or 14:25 would be read as local time.
    ...(timeZone ? { timeZoneName: "short" } : {}),
  }).format(date);
  const days = dayNumber(date, timeZone) - dayNumber(now, timeZone);
  const fill = (pattern: string, day: string): string =>
    pattern.replace("{day}", day).replace("{time}", time);
  if (days === 0 || days === 1) {
    const day = new Intl.RelativeTimeFormat(locale, { numeric: "auto" }).format(days, "day");
    return fill(patterns.relative, day);
  }
  const day = new Intl.DateTimeFormat(locale, {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
  }).format(date);
  return fill(patterns.dated, day);
}
