// The gateway's metric family names, read from the one list the instruments use
// (src/Gateway.Observability/Metrics/GatewayMetricNames.cs), so that the dashboard and rule checks can never drift
// from what the gateway exports.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const source = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "src", "Gateway.Observability", "Metrics", "GatewayMetricNames.cs");

export const GATEWAY_METRICS = new Set(
  [...readFileSync(source, "utf8").matchAll(/public const string \w+ = "(gateway_[a-z0-9_]+)";/g)].map((m) => m[1]),
);
if (GATEWAY_METRICS.size === 0) throw new Error(`no metric names found in ${source}`);

const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

// Every gateway_* name an expression uses that the gateway does not export, histogram series suffixes mapped back to
// their family. Recording-rule outputs (level:metric:operations, so they contain a colon) are not exported names.
export function unknownGatewayMetrics(expr) {
  return [...expr.matchAll(/\b(gateway_[a-z0-9_]+)(?![a-z0-9_:])/g)]
    .map((m) => m[1])
    .filter((name) => !GATEWAY_METRICS.has(name) && !GATEWAY_METRICS.has(name.replace(HISTOGRAM_SUFFIX, "")));
}
