// Writes the dashboards' queries as a Prometheus recording-rule file so that `promtool check rules` parses every
// panel's PromQL offline. The rule file is only a vehicle for the parser and is never loaded by a Prometheus.
//   node render-dashboard-rules.mjs REPO_ROOT > dashboards.rules.yml
import { stringify } from "yaml";
import { dashboardExpressions } from "./promql-expressions.mjs";

const repoRoot = process.argv[2];
if (!repoRoot) {
  console.error("usage: node render-dashboard-rules.mjs REPO_ROOT");
  process.exit(2);
}
const rules = dashboardExpressions(repoRoot, "5m").map((e, i) => ({
  record: `dashboard_query:${i}`,
  expr: e.expr,
  labels: { source: e.source },
}));
process.stdout.write(stringify({ groups: [{ name: "dashboard-queries", rules }] }));
