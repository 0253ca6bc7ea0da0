import { pathToFileURL } from "node:url";

/**
 * Where the production bundle runs from, for the files the build puts beside it. The bundle is
 * CommonJS (Bun keeps compiled bytecode only for that), and there each module's `import.meta.url` and
 * `__filename` are fixed at build time to its source file; the process's entry, which in production is
 * the bundle itself, is where it actually is.
 */
export const bundleUrl = (): URL => pathToFileURL(Bun.main);
