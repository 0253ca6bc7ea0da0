// npm run build: the service as production runs it (Dockerfile, npm run bench). One bundled file,
// dist/index.js with its bytecode dist/index.js.jsc, and the checkpoint thread's script beside it,
// dist/db/checkpoint-worker.js.
//
// Why a bundle: started from its sources, the service resolves, reads and transpiles ~800 modules
// before it can listen, and that is most of its start-up. Native bindings (libSQL) and the explorer's
// static files are still found in node_modules at run time: the bundle must sit inside the project,
// below its node_modules.
import { relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const PROJECT = resolve(import.meta.dir, "..");
export const OUT_DIR = resolve(PROJECT, "dist");
/** The service's entry point once built. */
export const builtEntry = (outDir = OUT_DIR) => resolve(outDir, "index.js");

/** Builds the bundle into `outDir` (default `dist/`); throws with the bundler's messages when it cannot. */
export async function buildService(outDir = OUT_DIR): Promise<void> {
  // The bundle must find node_modules above it (see above).
  if (relative(PROJECT, outDir).startsWith("..")) throw new Error(`${pathToFileURL(outDir).href} is outside the project`);
  // Files the service finds beside its modules are named relative to the bundle instead
  // (src/db/checkpointer.ts, src/db/migrate.ts).
  const fromBundle = (path: string) => relative(outDir, resolve(PROJECT, path)).split("\\").join("/");
  const result = await Bun.build({
    entrypoints: [resolve(PROJECT, "src/index.ts"), resolve(PROJECT, "src/db/checkpoint-worker.ts")],
    root: resolve(PROJECT, "src"),
    outdir: outDir,
    target: "bun",
    // CommonJS with its bytecode (`index.js.jsc` beside it): Bun then loads the compiled code instead of
    // parsing and compiling 2.5 MB of JavaScript at every start (restarts measured 340-425 -> 259-263 ms).
    // Bun keeps bytecode only for CommonJS bundles, so the service starts from a function rather than
    // with top-level await, and finds the files beside the bundle from where it runs (src/lib/bundle.ts).
    format: "cjs",
    bytecode: true,
    // No source map: a linked one is read at every start (~80 ms measured). The bundle keeps names and
    // marks each module with its source path, so a stack trace still reads.
    sourcemap: "none",
    define: {
      BUNDLED_CHECKPOINT_WORKER: JSON.stringify("./db/checkpoint-worker.js"),
      BUNDLED_MIGRATIONS_FOLDER: JSON.stringify(fromBundle("drizzle")),
    },
  });
  if (!result.success) throw new AggregateError(result.logs, "the service could not be bundled");
}

if (import.meta.main) {
  const started = performance.now();
  await buildService();
  console.log(`${relative(PROJECT, builtEntry())} built in ${(performance.now() - started).toFixed(0)} ms`);
}
