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
  // The console: 60 kB until the ticket pages and reports came, raised to 72 kB for them: the
  // reports' chart library (uPlot, 22 kB gzipped, the smallest well-kept one we found) and
  // the ticket views, page and texts (10 kB). Operators load it once per session (ETag).
  { name: "console", entry: "src/console/index.ts", budget: 72 * 1024 },
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
  console.log(
    `${bundle.name}.js: ${kb(file.contents.length)} minified, ${kb(gzipped)} gzipped ` +
      `(budget ${kb(bundle.budget)})${over ? "  OVER BUDGET" : ""}`,
  );
  if (over) {
    return false; // an over-budget bundle is not written: the desk never serves one
  }
  await mkdir(OUT_DIR, { recursive: true });
  await writeFile(new URL(`${bundle.name}.js`, OUT_DIR), file.contents);
  return true;
}

// The chart library's stylesheet (uPlot, MIT), served beside console.css on the reports page:
// the console's CSP allows no inline styles, so it is a file of its own.
async function charts() {
  await mkdir(OUT_DIR, { recursive: true });
  await esbuild.build({
    entryPoints: { charts: "src/console/charts.css" },
    bundle: true,
    minify: true,
    outdir: new URL(".", OUT_DIR).pathname,
    logLevel: "warning",
  });
}

async function build() {
  let ok = true;
  for (const bundle of BUNDLES) {
    ok = (await emit(bundle, await esbuild.build(options(bundle)))) && ok;
  }
  await charts();
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
