// Rejects unknown fields in rendered manifests (a misspelt "readinesProbe" passes JSON-schema validation, as it passes
// `kubectl apply` without --validate=strict, and is then silently ignored by the API server). Each object becomes a
// TypeScript object literal passed to its kubernetes-models constructor; the compiler's excess-property check flags
// every field the Kubernetes, KEDA or prometheus-operator types do not declare.
//   node validate-k8s-fields.mjs OVERLAY_NAME RENDERED.yaml
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { MODEL_MODULES, objectName } from "./kubernetes-kinds.mjs";

const [overlay, file] = process.argv.slice(2);
if (!overlay || !file) {
  console.error("usage: node validate-k8s-fields.mjs OVERLAY_NAME RENDERED.yaml");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const objects = parseAllDocuments(readFileSync(file, "utf8"))
  .map((doc) => doc.toJS())
  .filter((o) => o !== null && MODEL_MODULES[`${o.apiVersion}/${o.kind}`]);

// One import per kind, then one object per line so that a compiler diagnostic's line identifies the object.
const kinds = [...new Set(objects.map((o) => `${o.apiVersion}/${o.kind}`))];
const imports = kinds.map((key, i) => `import { ${key.split("/").pop()} as Kind${i} } from "${MODEL_MODULES[key]}";`);
// The constructors take the object without apiVersion/kind (they set those themselves).
const body = objects.map(({ apiVersion, kind, ...rest }) => `new Kind${kinds.indexOf(`${apiVersion}/${kind}`)}(${JSON.stringify(rest)});`);

// Inside this folder so that the generated module resolves packages from deploy/validate/node_modules.
const folder = mkdtempSync(join(here, ".fields-"));
let exitCode = 1;
try {
  const source = join(folder, `${overlay}.ts`);
  writeFileSync(source, [...imports, ...body].join("\n") + "\n");
  const compiler = spawnSync(
    process.execPath,
    [join(here, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "--strict", "--skipLibCheck",
      "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--pretty", "false", source],
    { encoding: "utf8" },
  );
  const diagnostics = (compiler.stdout + compiler.stderr).split("\n").filter((l) => l.trim() !== "");
  for (const line of diagnostics) {
    const match = line.match(/\.ts\((\d+),\d+\): (.*)$/);
    const object = match ? objects[Number(match[1]) - imports.length - 1] : undefined;
    console.error(`  ${overlay}: ${object ? objectName(object) : "tsc"}: ${match ? match[2] : line}`);
  }
  console.log(`${overlay}: ${objects.length} objects, ${diagnostics.length} unknown or mistyped fields`);
  exitCode = compiler.status === 0 ? 0 : 1;
} finally {
  rmSync(folder, { recursive: true, force: true });
}
process.exit(exitCode);
