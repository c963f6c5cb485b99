// The reports page's charts (uPlot): tickets opened and closed per day, and breaches.
// The figures come from the page (#report-data); the same figures are in its tables.
import uPlot from "uplot";
import { $ } from "./common";
import { locale, t } from "./i18n";

type Series = { days: string[]; opened: number[]; closed: number[]; breaches: number[] };

const COLOURS = { opened: "#175cd3", closed: "#027a48", breaches: "#b42318" };

function chart(
  box: HTMLElement, days: number[], series: [string, number[], string][],
): void {
  const width = () => Math.max(260, box.clientWidth);
  const fmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "short", timeZone: "UTC" });
  const plot = new uPlot(
    {
      width: width(),
      height: 220,
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
      axes: [
        { values: (_u, ticks) => ticks.map((s) => fmt.format(new Date(s * 1000))) },
        { values: (_u, ticks) => ticks.map((v) => (Number.isInteger(v) ? String(v) : "")) },
      ],
      series: [
        { label: t("day"), value: (_u, s) => (s == null ? "—" : fmt.format(new Date(s * 1000))) },
        ...series.map(([name, , stroke]) => ({ label: name, stroke, width: 2, points: { show: true } })),
      ],
    },
    [days, ...series.map(([, values]) => values)],
    box,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height: 220 })).observe(box);
}

/** Draw the reports page's charts. */
export function setupReports(): void {
  const data = $<HTMLScriptElement>("#report-data");
  if (!data?.textContent) return;
  const figures = JSON.parse(data.textContent) as Series;
  // Days as UTC midnights: the axis shows dates, never a shifted day.
  const days = figures.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const perDay = $<HTMLElement>("#chart-days");
  if (perDay) {
    chart(perDay, days, [
      [t("opened"), figures.opened, COLOURS.opened],
      [t("closed_n"), figures.closed, COLOURS.closed],
    ]);
  }
  const breaches = $<HTMLElement>("#chart-breaches");
  if (breaches) chart(breaches, days, [[t("breaches"), figures.breaches, COLOURS.breaches]]);
}
