/**
 * Layers point one way: modules (HTTP) -> operations -> connectors / domain. Core services (accounts,
 * audit, crypto, db) sit below modules. `npm run lint` fails on any import that breaks these rules.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    { name: "no-circular", severity: "error", from: {}, to: { circular: true } },
    { name: "http-not-modules", severity: "error", from: { path: "^src/http" }, to: { path: "^src/modules" } },
    { name: "domain-is-pure", severity: "error", from: { path: "^src/domain" }, to: { path: "^src/", pathNot: "^src/domain" } },
    {
      name: "connectors-no-storage-or-http",
      severity: "error",
      from: { path: "^src/connectors" },
      to: { path: "^src/(db|config|http|modules|operations|accounts|audit)" },
    },
    { name: "operations-not-http", severity: "error", from: { path: "^src/operations" }, to: { path: "^src/(http|modules)" } },
    { name: "core-not-modules", severity: "error", from: { path: "^src/(accounts|audit|crypto|db|lib|errors|mirror|writebacks|connections)" }, to: { path: "^src/(modules|http)" } },
    { name: "lib-is-leaf", severity: "error", from: { path: "^src/lib" }, to: { path: "^src/", pathNot: "^src/lib" } },
    { name: "src-not-tests", severity: "error", from: { path: "^src" }, to: { path: "^(test|bench|scripts)" } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
