// Writes the dashboards' and autoscalers' queries as a Prometheus recording-rule file so that `promtool check rules`
// parses all of that PromQL offline. The rule file is only a vehicle for the parser and is never loaded by a Prometheus.
//   node render-queries-as-rules.mjs REPO_ROOT > dashboards.rules.yml
import { stringify } from "yaml";
import { autoscalerExpressions, dashboardExpressions } from "./promql-expressions.mjs";

const repoRoot = process.argv[2];
if (!repoRoot) {
  console.error("usage: node render-queries-as-rules.mjs REPO_ROOT");
  process.exit(2);
}
const rules = [...dashboardExpressions(repoRoot, "5m"), ...autoscalerExpressions(repoRoot)].map((e, i) => ({
  record: `shipped_query:${i}`,
  expr: e.expr,
  labels: { source: e.source },
}));
process.stdout.write(stringify({ groups: [{ name: "shipped-queries", rules }] }));
