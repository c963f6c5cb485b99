// The reports page's charts (uPlot): tickets opened and closed per day, and breaches.
// The figures come from the page (#report-data); the same figures are in its tables.
// A bundle of its own (reports.js), loaded by that page only, beside console.js; its texts
// come with the figures, and it imports nothing of the console (common.ts opens a socket).
import uPlot from "uplot";

type Label = "day" | "opened" | "closed_n" | "breaches";
type Series = {
  days: string[];
  opened: number[];
  closed: number[];
  breaches: number[];
  labels: Record<Label, string>; // in the page's language, from the desk
};

// As the console's i18n.ts: European English (24-hour clock, day before month) for English.
const page = document.documentElement.lang;
const locale = page === "fr" || page === "nl" ? page : "en-GB";

const COLOURS = { opened: "#175cd3", closed: "#027a48", breaches: "#b42318" };

function chart(
  box: HTMLElement, days: number[], day: string, series: [string, number[], string][],
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
        { label: day, value: (_u, s) => (s == null ? "—" : fmt.format(new Date(s * 1000))) },
        ...series.map(([name, , stroke]) => ({ label: name, stroke, width: 2, points: { show: true } })),
      ],
    },
    [days, ...series.map(([, values]) => values)],
    box,
  );
  new ResizeObserver(() => plot.setSize({ width: width(), height: 220 })).observe(box);
}

/** Draw the reports page's charts. */
function setupReports(): void {
  const data = document.querySelector<HTMLScriptElement>("#report-data");
  if (!data?.textContent) return;
  const figures = JSON.parse(data.textContent) as Series;
  const labels = figures.labels;
  // Days as UTC midnights: the axis shows dates, never a shifted day.
  const days = figures.days.map((d) => Date.parse(`${d}T00:00:00Z`) / 1000);
  const perDay = document.querySelector<HTMLElement>("#chart-days");
  if (perDay) {
    chart(perDay, days, labels.day, [
      [labels.opened, figures.opened, COLOURS.opened],
      [labels.closed_n, figures.closed, COLOURS.closed],
    ]);
  }
  const breaches = document.querySelector<HTMLElement>("#chart-breaches");
  if (breaches) {
    chart(breaches, days, labels.day, [[labels.breaches, figures.breaches, COLOURS.breaches]]);
  }
}

setupReports(); // deferred: the page is parsed
