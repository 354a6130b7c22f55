// Runs every dashboard query, rule expression and autoscaler query against a live Prometheus (/api/v1/query) and reports which of the
// core panels returned data. Any query that Prometheus rejects (parse or execution error) fails the check; an empty
// result does not, since a fresh gateway has not produced every series yet (e.g. no rate limiting happened).
//   node promql-live-check.mjs PROMETHEUS_URL [RATE_INTERVAL]
// REQUIRE_CORE_DATA=1 also fails when a core panel returned no data.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CORE_PANELS, autoscalerExpressions, dashboardExpressions, ruleExpressions } from "./promql-expressions.mjs";

const [prometheusUrl, rateInterval = "1m"] = process.argv.slice(2);
if (!prometheusUrl) {
  console.error("usage: node promql-live-check.mjs PROMETHEUS_URL [RATE_INTERVAL]");
  process.exit(2);
}
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

async function query(expr) {
  const response = await fetch(new URL("/api/v1/query", prometheusUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ query: expr }),
  });
  const body = await response.json();
  if (body.status !== "success") return { error: `${body.errorType}: ${body.error}` };
  const { resultType, result } = body.data;
  const values = resultType === "vector" ? result.map((r) => Number(r.value[1])) : resultType === "scalar" ? [Number(result[1])] : [];
  return { values, warnings: body.warnings ?? [] };
}

const dashboards = dashboardExpressions(repoRoot, rateInterval);
const expressions = [...dashboards, ...ruleExpressions(repoRoot), ...autoscalerExpressions(repoRoot)];
let errors = 0;
const withData = new Set();
for (const { source, expr } of expressions) {
  const outcome = await query(expr);
  if (outcome.error) {
    errors++;
    console.log(`FAIL  ${source}: ${outcome.error}\n      ${expr}`);
    continue;
  }
  const hasData = outcome.values.some((v) => !Number.isNaN(v));
  for (const warning of outcome.warnings) console.log(`WARN  ${source}: ${warning}`);
  console.log(`ok    ${source}: ${hasData ? `${outcome.values.length} series` : "no data"}`);
  if (hasData) withData.add(expr);
}

let missingCore = 0;
for (const core of CORE_PANELS) {
  const matching = dashboards.filter((d) => core.matches(d.expr));
  const answered = matching.some((d) => withData.has(d.expr));
  if (!answered) missingCore++;
  console.log(`core panel ${core.name}: ${matching.length === 0 ? "NO QUERY" : answered ? "data" : "no data"}`);
}
console.log(`${expressions.length} expressions, ${errors} errors, ${CORE_PANELS.length - missingCore}/${CORE_PANELS.length} core panels with data`);
const requireCore = process.env.REQUIRE_CORE_DATA === "1";
process.exit(errors > 0 || (requireCore && missingCore > 0) ? 1 : 0);
