// Collects every PromQL expression the deployment ships: Grafana panel queries (with dashboard variables replaced by
// concrete values, as Grafana would before sending them), the expr of every recording and alerting rule, and the
// queries the autoscalers run (KEDA's prometheus trigger, prometheus-adapter's metricsQuery with its template filled in).
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

// Panels whose data proves the pipeline end to end: gateway -> Prometheus -> dashboard.
export const CORE_PANELS = [
  { name: "TTFT p95", matches: (e) => e.includes("histogram_quantile(0.95") && e.includes("gateway_time_to_first_token_seconds_bucket") },
  { name: "queue depth", matches: (e) => e.includes("gateway_num_requests_waiting") },
  { name: "demand ratio", matches: (e) => e.includes("gateway_demand_ratio") },
  { name: "tokens/s", matches: (e) => e.includes("gateway_generation_tokens_total") || e.includes("gateway_prompt_tokens_total") },
];

export function substituteVariables(expr, rateInterval) {
  return expr
    .replaceAll("$__rate_interval", rateInterval)
    .replaceAll("${__rate_interval}", rateInterval)
    .replaceAll("$__interval", rateInterval)
    .replaceAll("${__interval}", rateInterval)
    .replaceAll("$__range", rateInterval)
    .replaceAll("${model}", ".+")
    .replaceAll("$model", ".+");
}

function jsonFilesUnder(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return jsonFilesUnder(path);
    return entry.name.endsWith(".json") ? [path] : [];
  });
}

export function dashboardExpressions(repoRoot, rateInterval) {
  const found = [];
  for (const file of jsonFilesUnder(join(repoRoot, "grafana"))) {
    const dashboard = JSON.parse(readFileSync(file, "utf8"));
    if (!Array.isArray(dashboard.panels)) continue;
    for (const panel of dashboard.panels) {
      for (const target of panel.targets ?? []) {
        if (typeof target.expr !== "string") continue;
        found.push({
          source: `${dashboard.uid} / ${panel.title} / ${target.legendFormat ?? target.refId}`,
          expr: substituteVariables(target.expr, rateInterval),
        });
      }
    }
  }
  return found;
}

export function ruleExpressions(repoRoot) {
  const folder = join(repoRoot, "deploy", "prometheus");
  const found = [];
  for (const name of readdirSync(folder).filter((n) => /rules.*\.ya?ml$/.test(n))) {
    const groups = parse(readFileSync(join(folder, name), "utf8")).groups ?? [];
    for (const group of groups) {
      for (const rule of group.rules ?? []) {
        found.push({ source: `${name} / ${rule.record ?? rule.alert}`, expr: String(rule.expr).trim() });
      }
    }
  }
  return found;
}

// prometheus-adapter's Go-template placeholders, filled the way the adapter does for a per-pod lookup.
function expandAdapterTemplate(metricsQuery, series) {
  return metricsQuery
    .replaceAll("<<.Series>>", series)
    .replaceAll("<<.LabelMatchers>>", 'namespace!="",pod!=""')
    .replaceAll("<<.GroupBy>>", "namespace, pod");
}

export function autoscalerExpressions(repoRoot) {
  const found = [];
  const scaledObject = parse(readFileSync(join(repoRoot, "deploy", "k8s", "overlays", "keda", "gateway-scaledobject.yaml"), "utf8"));
  for (const trigger of scaledObject.spec.triggers.filter((t) => t.type === "prometheus")) {
    found.push({ source: "keda ScaledObject / prometheus trigger", expr: trigger.metadata.query });
  }
  const adapterConfigMap = parse(readFileSync(join(repoRoot, "deploy", "k8s", "monitoring", "prometheus-adapter-config.yaml"), "utf8"));
  for (const rule of parse(adapterConfigMap.data["config.yaml"]).rules) {
    const series = rule.seriesQuery.replace(/\{.*$/, "");
    found.push({ source: `prometheus-adapter / ${rule.name.as}`, expr: expandAdapterTemplate(rule.metricsQuery, series) });
  }
  return found;
}
