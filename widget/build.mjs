// Bundle the browser code into chatdesk/web/static/dist/ (served by chatdesk, shipped in the
// wheel). One entry per bundle; each gets socket.io-client from the same node_modules.
// Usage: node build.mjs [--watch]
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const OUT_DIR = new URL("../chatdesk/web/static/dist/", import.meta.url);

// budget: the most a bundle may weigh gzipped (level 9), in bytes; the build fails above it.
const BUNDLES = [
  { name: "widget", entry: "src/widget/index.ts", budget: 60 * 1024 },
  // The console, on every console page. Operators load it once per session (ETag).
  { name: "console", entry: "src/console/index.ts", budget: 60 * 1024 },
  // The reports page's charts, a bundle of their own: the chart library (uPlot, 22 kB
  // gzipped, the smallest well-kept one we found) is only needed there, and used to weigh
  // on every console page.
  { name: "reports", entry: "src/console/reports.ts", budget: 26 * 1024 },
  // The chart library's stylesheet (uPlot), a file of its own: the console's CSP allows no
  // inline styles.
  { name: "charts", entry: "src/console/charts.css", budget: 4 * 1024, css: true },
  // The requester portal's form: the ALTCHA widget (without its inline styles and blob
  // workers, which the portal's CSP refuses), files, suggestions.
  { name: "support", entry: "src/support/index.ts", budget: 45 * 1024 },
  // ALTCHA's proof-of-work worker and styles, served by the desk from its own origin.
  { name: "altcha-worker", entry: "node_modules/altcha/dist/workers/pbkdf2.js", budget: 4 * 1024 },
  { name: "altcha", entry: "node_modules/altcha/dist/external/altcha.css", budget: 6 * 1024, css: true },
];

// CSS is imported as a minified string and put into the Shadow DOM by the code.
const cssAsText = {
  name: "css-as-text",
  setup(build) {
    build.onLoad({ filter: /\.css$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const { code } = await esbuild.transform(source, { loader: "css", minify: true });
      return { contents: code, loader: "text" };
    });
  },
};

function options(bundle) {
  if (bundle.css) {
    return {
      entryPoints: { [bundle.name]: bundle.entry },
      bundle: true,
      minify: true,
      write: false,
      outdir: "dist",
      logLevel: "warning",
    };
  }
  return {
    entryPoints: { [bundle.name]: bundle.entry },
    bundle: true,
    minify: true,
    format: "iife",
    platform: "browser",
    target: ["chrome100", "firefox100", "safari15", "edge100"],
    legalComments: "eof",
    write: false,
    outdir: "dist",
    plugins: [cssAsText],
    logLevel: "warning",
  };
}

async function emit(bundle, result) {
  const [file] = result.outputFiles;
  const gzipped = gzipSync(file.contents, { level: 9 }).length;
  const kb = (n) => (n / 1024).toFixed(1) + " kB";
  const over = gzipped > bundle.budget;
  const fileName = `${bundle.name}.${bundle.css ? "css" : "js"}`;
  console.log(
    `${fileName}: ${kb(file.contents.length)} minified, ${kb(gzipped)} gzipped ` +
      `(budget ${kb(bundle.budget)})${over ? "  OVER BUDGET" : ""}`,
  );
  if (over) {
    return false; // an over-budget bundle is not written: the desk never serves one
  }
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(new URL(fileName, OUT_DIR), file.contents);
  return true;
}

async function build() {
  let ok = true;
  for (const bundle of BUNDLES) {
    ok = (await emit(bundle, await esbuild.build(options(bundle)))) && ok;
  }
  if (!ok) {
    console.error("build failed: a bundle is over its gzipped size budget");
    process.exit(1);
  }
}

async function watch() {
  for (const bundle of BUNDLES) {
    const report = {
      name: "report",
      setup(build) {
        build.onEnd((result) => result.errors.length === 0 && emit(bundle, result));
      },
    };
    const base = options(bundle);
    const ctx = await esbuild.context({ ...base, plugins: [...base.plugins, report] });
    await ctx.watch();
  }
  console.log("watching src/ (Ctrl-C to stop)");
}

await (process.argv.includes("--watch") ? watch() : build());
