// Every gateway_* metric that an alert or recording rule or an autoscaler query (KEDA, prometheus-adapter) uses is a
// family the gateway exports, per src/Gateway.Observability/Metrics/GatewayMetricNames.cs.
//   node check-metric-names.mjs REPO_ROOT
import { autoscalerExpressions, ruleExpressions } from "./promql-expressions.mjs";
import { GATEWAY_METRICS, unknownGatewayMetrics } from "./gateway-metric-names.mjs";

const repo = process.argv[2] ?? ".";
let problems = 0;
const expressions = [...ruleExpressions(repo), ...autoscalerExpressions(repo)];
for (const { source, expr } of expressions) {
  for (const name of unknownGatewayMetrics(expr)) {
    console.error(`${source}: ${name} is not a metric the gateway exports (GatewayMetricNames.cs)`);
    problems++;
  }
}
console.log(`${expressions.length} rule and autoscaler expressions checked against ${GATEWAY_METRICS.size} gateway metric names`);
process.exit(problems === 0 ? 0 : 1);
