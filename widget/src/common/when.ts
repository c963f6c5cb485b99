// Times promised to people ("we'll reply by…", "back…", "first reply due"), formatted one
// way everywhere: "Thursday 3 December, 14:25" ("jeudi 3 décembre, 14:25", "donderdag 3
// december, 14:25"), as the desk's own system messages write them, in the desk's time zone
// when it is known (then named: "14:25 CET").

/** The time zone to show times in: the desk's when valid and not the browser's own. */
export function zoneOrLocal(zone: string | null | undefined): string | undefined {
  if (!zone) return undefined;
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
  } catch {
    return undefined; // unknown to this browser
  }
  return zone === Intl.DateTimeFormat().resolvedOptions().timeZone ? undefined : zone;
}

/** A promised moment in `lang` (fr, nl, en), or "" when `iso` is not a time. */
export function promisedTime(iso: string, lang: string, zone?: string | null): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) return "";
  const timeZone = zoneOrLocal(zone);
  const part = (options: Intl.DateTimeFormatOptions, type: string): string =>
    new Intl.DateTimeFormat(lang, { timeZone, ...options })
      .formatToParts(date)
      .find((p) => p.type === type)?.value || "";
  // Assembled from parts: the same order in every language (Intl's en-US says "Thursday,
  // December 3"), with a 24-hour clock, as the server writes it.
  const day = `${part({ weekday: "long" }, "weekday")} ${part({ day: "numeric" }, "day")} ${part({ month: "long" }, "month")}`;
  const clock = new Intl.DateTimeFormat(lang, {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
  // Another zone than the visitor's: say which, or 14:25 would be read as local time. Named
  // the same in every language ("CET", "CEST"): Intl's fr says "UTC+1" where nl says "CET".
  const zoneName = timeZone
    ? new Intl.DateTimeFormat("en-GB", { timeZone, timeZoneName: "short" })
        .formatToParts(date)
        .find((p) => p.type === "timeZoneName")?.value || ""
    : "";
  return zoneName ? `${day}, ${clock} ${zoneName}` : `${day}, ${clock}`;
}
