// Checks the Grafana provisioning files: a Prometheus datasource, and a file provider whose path is where the
// dashboards are documented to be mounted (deploy/README.md, "Dashboards").
//   node validate-grafana-provisioning.mjs REPO_ROOT
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

const DASHBOARDS_MOUNT = "/var/lib/grafana/dashboards/gateway";
const repoRoot = process.argv[2];
if (!repoRoot) {
  console.error("usage: node validate-grafana-provisioning.mjs REPO_ROOT");
  process.exit(2);
}
const problems = [];
const provisioning = join(repoRoot, "grafana", "provisioning");

const datasources = parse(readFileSync(join(provisioning, "datasources", "prometheus.yaml"), "utf8"));
if (datasources.apiVersion !== 1) problems.push("datasources: apiVersion must be 1");
const prometheus = (datasources.datasources ?? []).filter((d) => d.type === "prometheus");
if (prometheus.length !== 1) problems.push("datasources: expected exactly one prometheus datasource");
for (const d of prometheus) {
  if (!d.uid || !d.url || d.access !== "proxy") problems.push(`datasources: ${d.name} needs uid, url and access: proxy`);
}

const dashboards = parse(readFileSync(join(provisioning, "dashboards", "gateway.yaml"), "utf8"));
if (dashboards.apiVersion !== 1) problems.push("dashboards: apiVersion must be 1");
const providers = dashboards.providers ?? [];
if (!providers.some((p) => p.type === "file" && p.options?.path === DASHBOARDS_MOUNT)) {
  problems.push(`dashboards: needs a file provider reading ${DASHBOARDS_MOUNT}`);
}

for (const p of problems) console.error(`  ${p}`);
process.exit(problems.length === 0 ? 0 : 1);
