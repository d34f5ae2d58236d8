// Bundles each service's TypeScript (with contracts and libs/*) into one JavaScript file,
// apps/<name>/dist/main.mjs: what the production image and the benchmark run (ADR 0011). Tests and `npm run dev` run the
// TypeScript sources through tsx; a bundle behaves the same (scripts/build.e2e.test.ts).
//
//   npm run build                      # every service
//   npm run build -- orders payments   # some of them
//
// A bundle stays where it is built, beside the sources: the migrations (.sql files) are read from the
// source tree, found from each module's own location as under tsx (see importMetaUrl below).
import { build, type Plugin } from "esbuild";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { realpathSync } from "node:fs";
import { BUILT_SERVICES, bundlePath, type BuiltService } from "./production.ts";

export { BUILT_SERVICES, bundlePath, type BuiltService };

const ROOT = fileURLToPath(new URL("../", import.meta.url));


/**
 * Inside one bundle every module shares the bundle's `import.meta.url`. A module that finds files next
 * to itself (`new URL("./db/migrations", import.meta.url)`) gets its own source location back: the
 * path from the bundle to the source file, resolved against the bundle's URL.
 */
const importMetaUrl = (outfile: string): Plugin => ({
  name: "import-meta-url-of-source",
  setup(esbuild) {
    esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
      const source = await readFile(path, "utf8");
      const fromBundle = JSON.stringify(relative(dirname(outfile), path));
      return { contents: source.replaceAll("import.meta.url", `new URL(${fromBundle}, import.meta.url).href`), loader: "ts" };
    });
  },
});

/**
 * Only the workspace's own TypeScript (the service, contracts, libs/*) goes into a bundle. npm packages
 * are imported from node_modules at run time, as published: CommonJS ones keep their own require,
 * __dirname and package.json lookups, which a bundle would break.
 */
const dependenciesStayInNodeModules: Plugin = {
  name: "dependencies-stay-in-node-modules",
  setup(esbuild) {
    esbuild.onResolve({ filter: /^[^./]/ }, ({ path }) => (path.startsWith("@checkout/") ? undefined : { path, external: true }));
  },
};

export async function buildServices(services: readonly BuiltService[] = BUILT_SERVICES): Promise<void> {
  await Promise.all(
    services.map(async (service) => {
      const outfile = `${ROOT}${bundlePath(service)}`;
      const { outputFiles } = await build({
        entryPoints: [`${ROOT}apps/${service}/src/main.ts`],
        outfile,
        bundle: true,
        platform: "node",
        format: "esm",
        target: "node20",
        // for debuggers and profilers; stack traces name the bundle's lines unless the process runs with
        // --enable-source-maps (slower stacks, more memory: not the default, see ADR 0011)
        sourcemap: "linked",
        logLevel: "warning",
        plugins: [dependenciesStayInNodeModules, importMetaUrl(outfile)],
        write: false,
      });
      // each file written whole, then renamed into place: a service starting meanwhile (or a build running
      // side by side, as test files do) reads the old bundle or the new one, never half of one
      await mkdir(dirname(outfile), { recursive: true });
      for (const file of outputFiles) {
        const partial = `${file.path}.${process.pid}.${randomBytes(4).toString("hex")}`;
        try {
          await writeFile(partial, file.contents);
          await rename(partial, file.path);
        } finally {
          await rm(partial, { force: true });
        }
      }
    }),
  );
}

// run as a command (npm run build), not imported; both paths real, as the checkout may sit behind a symlink
if (process.argv[1] && realpathSync(fileURLToPath(import.meta.url)) === realpathSync(process.argv[1])) {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((name) => !(BUILT_SERVICES as readonly string[]).includes(name));
  if (unknown.length) {
    console.error(`build: unknown service ${unknown.join(", ")}; one of ${BUILT_SERVICES.join(", ")}`);
    process.exit(1);
  }
  const services = asked.length ? (asked as BuiltService[]) : BUILT_SERVICES;
  const started = Date.now();
  await buildServices(services);
  console.log(`built ${services.map(bundlePath).join(", ")} in ${Date.now() - started} ms`);
}
