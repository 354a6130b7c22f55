// Generates grafana/dashboards/*.json. The JSON files are committed (Grafana provisioning reads them as-is);
// this script is their source of truth so that panel layout, datasource wiring and variables stay uniform.
// deploy/validate/validate.sh re-runs it with --check and fails when the committed JSON has drifted.
//   node grafana/generate-dashboards.mjs          rewrite the JSON files
//   node grafana/generate-dashboards.mjs --check  exit 1 if any file differs from what would be generated
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

// Current dashboard JSON model version: what @grafana/schema 13's defaultDashboard carries (validate-dashboards.mjs
// compares the two, so a schema upgrade shows up as a validation failure).
const SCHEMA_VERSION = 42;
const TTFT_SLO_SECONDS = 0.5;
// The prod HPA's target for gateway_demand_ratio (deploy/k8s/overlays/prod/gateway-hpa.yaml, averageValue 800m).
const HPA_DEMAND_TARGET = 0.8;
const DATASOURCE = { type: "prometheus", uid: "${datasource}" };
const MODEL = 'model=~"$model"';
const GRID_WIDTH = 24;

const variables = [
  {
    name: "datasource",
    label: "Prometheus",
    type: "datasource",
    query: "prometheus",
    current: {},
    hide: 0,
    refresh: 1,
    regex: "",
    skipUrlSync: false,
  },
  {
    name: "model",
    label: "Model",
    type: "query",
    datasource: DATASOURCE,
    definition: "label_values(gateway_num_requests_running, model)",
    query: { query: "label_values(gateway_num_requests_running, model)", refId: "ModelVariable" },
    current: {},
    includeAll: true,
    allValue: ".+",
    multi: true,
    hide: 0,
    refresh: 2,
    regex: "",
    sort: 1,
    skipUrlSync: false,
  },
];

function target(expr, legendFormat, refId) {
  return { datasource: DATASOURCE, editorMode: "code", expr, legendFormat, range: true, refId };
}

function quantileTargets(metric, quantiles = [0.5, 0.95, 0.99], window = "5m") {
  return quantiles.map((q, i) =>
    target(
      `histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket{${MODEL}}[${window}])))`,
      `p${Math.round(q * 100)}`,
      String.fromCharCode(65 + i),
    ),
  );
}

function thresholds(steps) {
  return { mode: "absolute", steps: [{ color: "green", value: null }, ...steps] };
}

function timeseries({ title, description, unit, targets, stack = false, min = 0, max, thresholdLine, w = 12, h = 8 }) {
  const custom = {
    drawStyle: "line",
    lineWidth: 1,
    fillOpacity: stack ? 30 : 10,
    showPoints: "never",
    spanNulls: false,
    stacking: { mode: stack ? "normal" : "none", group: "A" },
    thresholdsStyle: { mode: thresholdLine === undefined ? "off" : "line+area" },
  };
  const defaults = { unit, min, custom, color: { mode: "palette-classic" } };
  if (max !== undefined) defaults.max = max;
  defaults.thresholds = thresholds(thresholdLine === undefined ? [] : [{ color: "red", value: thresholdLine }]);
  return {
    type: "timeseries",
    title,
    description,
    datasource: DATASOURCE,
    fieldConfig: { defaults, overrides: [] },
    options: {
      legend: { displayMode: "list", placement: "bottom", showLegend: true },
      tooltip: { mode: "multi", sort: "desc" },
    },
    targets,
    size: { w, h },
  };
}

function stat({ title, description, unit, targets, steps = [], w = 6, h = 4 }) {
  return {
    type: "stat",
    title,
    description,
    datasource: DATASOURCE,
    fieldConfig: { defaults: { unit, thresholds: thresholds(steps), color: { mode: "thresholds" } }, overrides: [] },
    options: {
      reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      colorMode: "value",
      graphMode: "area",
      justifyMode: "auto",
      orientation: "auto",
      textMode: "auto",
    },
    targets,
    size: { w, h },
  };
}

function row(title) {
  return { type: "row", title, collapsed: false, panels: [], size: { w: GRID_WIDTH, h: 1 } };
}

// Flows panels left to right, wrapping at the grid width; rows always start a new line.
function layout(items) {
  let x = 0;
  let y = 0;
  let lineHeight = 0;
  return items.map((item, index) => {
    const { size, ...panel } = item;
    if (panel.type === "row" || x + size.w > GRID_WIDTH) {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    const placed = { id: index + 1, gridPos: { h: size.h, w: size.w, x, y }, ...panel };
    x += size.w;
    lineHeight = Math.max(lineHeight, size.h);
    if (panel.type === "row") {
      y += lineHeight;
      x = 0;
      lineHeight = 0;
    }
    return placed;
  });
}

function dashboard({ uid, title, description, tags, items }) {
  return {
    uid,
    title,
    description,
    tags,
    editable: true,
    fiscalYearStartMonth: 0,
    graphTooltip: 1,
    links: [],
    refresh: "10s",
    schemaVersion: SCHEMA_VERSION,
    time: { from: "now-1h", to: "now" },
    timepicker: {},
    timezone: "browser",
    version: 1,
    annotations: {
      list: [
        {
          builtIn: 1,
          datasource: { type: "grafana", uid: "-- Grafana --" },
          enable: true,
          hide: true,
          iconColor: "rgba(0, 211, 255, 1)",
          name: "Annotations & Alerts",
          type: "dashboard",
        },
      ],
    },
    templating: { list: variables },
    panels: layout(items),
  };
}

const overview = dashboard({
  uid: "gateway-overview",
  title: "Gateway overview",
  description: "Traffic, latency against the TTFT SLO, queueing, KV cache and autoscaling of the LLM serving gateway.",
  tags: ["gateway", "llm"],
  items: [
    row("Traffic"),
    stat({
      title: "Requests/s",
      unit: "reqps",
      targets: [target(`sum(rate(gateway_requests_total{${MODEL}}[$__rate_interval]))`, "requests/s", "A")],
    }),
    stat({
      title: "Error ratio (5xx)",
      description: "Share of requests answered with a 5xx status. 429s are rate limiting and shown separately.",
      unit: "percentunit",
      steps: [{ color: "orange", value: 0.01 }, { color: "red", value: 0.05 }],
      targets: [
        target(
          `sum(rate(gateway_requests_total{${MODEL},status=~"5.."}[5m])) / clamp_min(sum(rate(gateway_requests_total{${MODEL}}[5m])), 1e-9)`,
          "error ratio",
          "A",
        ),
      ],
    }),
    stat({
      title: "TTFT p95",
      description: `Time to first token, 95th percentile over 5m; the SLO is ${TTFT_SLO_SECONDS * 1000} ms.`,
      unit: "s",
      steps: [{ color: "red", value: TTFT_SLO_SECONDS }],
      targets: [
        target(
          `histogram_quantile(0.95, sum by (le) (rate(gateway_time_to_first_token_seconds_bucket{${MODEL}}[5m])))`,
          "TTFT p95",
          "A",
        ),
      ],
    }),
    stat({
      title: "Replicas",
      description: "Gateway pods Prometheus scrapes successfully, and the replica count kube-state-metrics reports for the Deployment.",
      unit: "none",
      targets: [
        target('count(up{job="gateway"} == 1)', "scraped up", "A"),
        target('max(kube_deployment_status_replicas{deployment="gateway"})', "deployment replicas", "B"),
      ],
    }),
    timeseries({
      title: "Requests/s by status",
      unit: "reqps",
      stack: true,
      targets: [target(`sum by (status) (rate(gateway_requests_total{${MODEL}}[$__rate_interval]))`, "{{status}}", "A")],
    }),
    timeseries({
      title: "Error ratio",
      description: "5xx share of all requests (alerts at 1% warning, 5% critical).",
      unit: "percentunit",
      thresholdLine: 0.01,
      targets: [
        target(
          `sum by (model) (rate(gateway_requests_total{${MODEL},status=~"5.."}[5m])) / clamp_min(sum by (model) (rate(gateway_requests_total{${MODEL}}[5m])), 1e-9)`,
          "{{model}}",
          "A",
        ),
      ],
    }),
    row("Latency"),
    timeseries({
      title: "Time to first token",
      description: `p50/p95/p99 over 5m with the ${TTFT_SLO_SECONDS * 1000} ms SLO drawn as a threshold line.`,
      unit: "s",
      w: 8,
      thresholdLine: TTFT_SLO_SECONDS,
      targets: quantileTargets("gateway_time_to_first_token_seconds"),
    }),
    timeseries({
      title: "Inter-token latency",
      unit: "s",
      w: 8,
      targets: quantileTargets("gateway_inter_token_latency_seconds"),
    }),
    timeseries({
      title: "End-to-end request latency",
      unit: "s",
      w: 8,
      targets: quantileTargets("gateway_e2e_request_latency_seconds"),
    }),
    row("Queueing and capacity"),
    timeseries({
      title: "Queue depth per pod (waiting requests)",
      description: "Latency admission holds this near the TTFT objective under overload, so it stops growing with the load; the HPA scales on demand instead.",
      unit: "short",
      w: 8,
      targets: [target(`sum by (pod) (gateway_num_requests_waiting{${MODEL}})`, "{{pod}}", "A")],
    }),
    timeseries({
      title: "Running sequences per pod",
      unit: "short",
      w: 8,
      targets: [target(`sum by (pod) (gateway_num_requests_running{${MODEL}})`, "{{pod}}", "A")],
    }),
    timeseries({
      title: "KV cache usage per pod",
      unit: "percentunit",
      w: 8,
      max: 1,
      thresholdLine: 0.9,
      targets: [target(`max by (pod) (gateway_kv_cache_usage_ratio{${MODEL}})`, "{{pod}}", "A")],
    }),
    timeseries({
      title: "Tokens/s",
      unit: "short",
      w: 8,
      targets: [
        target(`sum(rate(gateway_prompt_tokens_total{${MODEL}}[$__rate_interval]))`, "prompt tokens/s", "A"),
        target(`sum(rate(gateway_generation_tokens_total{${MODEL}}[$__rate_interval]))`, "generation tokens/s", "B"),
      ],
    }),
    timeseries({
      title: "Rate-limit rejections by tenant and limit",
      unit: "reqps",
      w: 8,
      stack: true,
      targets: [
        target("sum by (tenant, limit) (rate(gateway_rate_limited_total[$__rate_interval]))", "{{tenant}} / {{limit}}", "A"),
      ],
    }),
    timeseries({
      title: "Queue rejections by reason",
      unit: "reqps",
      w: 8,
      stack: true,
      targets: [target("sum by (reason) (rate(gateway_queue_rejections_total[$__rate_interval]))", "{{reason}}", "A")],
    }),
    timeseries({
      title: "Demand per pod (1 = at capacity)",
      description:
        "gateway_demand_ratio: offered tokens/s, refused requests included, over the pod's measured capacity (5 s EWMA). " +
        `The HPA keeps the average across pods at ${HPA_DEMAND_TARGET} (threshold line); above 1 the excess is being refused.`,
      unit: "none",
      w: 12,
      thresholdLine: HPA_DEMAND_TARGET,
      targets: [
        target(`sum by (pod) (gateway_demand_ratio{${MODEL}})`, "{{pod}}", "A"),
        target(`avg(sum by (pod) (gateway_demand_ratio{${MODEL}}))`, "average (HPA metric)", "B"),
      ],
    }),
    timeseries({
      title: "Replicas",
      description: "Demand above 1 with HPA current at HPA max is what GatewayDemandAboveCapacityAtMaxReplicas pages on.",
      unit: "none",
      w: 12,
      targets: [
        target('count(up{job="gateway"} == 1)', "scraped up", "A"),
        target('max(kube_deployment_status_replicas{deployment="gateway"})', "deployment replicas", "B"),
        // "gateway" is the prod overlay's HPA, "gateway-keda" the one KEDA creates in the keda overlay.
        target(
          'max(kube_horizontalpodautoscaler_status_desired_replicas{horizontalpodautoscaler=~"gateway|gateway-keda"})',
          "HPA desired",
          "C",
        ),
        target(
          'max(kube_horizontalpodautoscaler_status_current_replicas{horizontalpodautoscaler=~"gateway|gateway-keda"})',
          "HPA current",
          "D",
        ),
        target(
          'max(kube_horizontalpodautoscaler_spec_max_replicas{horizontalpodautoscaler=~"gateway|gateway-keda"})',
          "HPA max",
          "E",
        ),
      ],
    }),
  ],
});

function meanOf(metric, legend, refId, selector = "") {
  return target(
    `sum(rate(${metric}_sum${selector}[$__rate_interval])) / clamp_min(sum(rate(${metric}_count${selector}[$__rate_interval])), 1e-9)`,
    legend,
    refId,
  );
}

function engineQuantiles(metric) {
  return [0.5, 0.99].map((q, i) =>
    target(`histogram_quantile(${q}, sum by (le) (rate(${metric}_bucket[5m])))`, `p${Math.round(q * 100)}`, String.fromCharCode(65 + i)),
  );
}

const engine = dashboard({
  uid: "gateway-engine",
  title: "Gateway engine",
  description: "Continuous batcher and inference engine: batch shape, step time, prefix cache and where request time goes.",
  tags: ["gateway", "llm", "engine"],
  items: [
    row("Batching"),
    timeseries({
      title: "Batch size (sequences per step)",
      unit: "short",
      w: 8,
      targets: [...engineQuantiles("gateway_engine_batch_size"), meanOf("gateway_engine_batch_size", "mean", "C")],
    }),
    timeseries({
      title: "Tokens per step",
      unit: "short",
      w: 8,
      targets: [...engineQuantiles("gateway_engine_step_tokens"), meanOf("gateway_engine_step_tokens", "mean", "C")],
    }),
    timeseries({
      title: "Engine step time",
      unit: "s",
      w: 8,
      targets: engineQuantiles("gateway_engine_step_duration_seconds"),
    }),
    timeseries({
      title: "Engine steps/s",
      unit: "short",
      w: 12,
      targets: [target("sum(rate(gateway_engine_step_duration_seconds_count[$__rate_interval]))", "steps/s", "A")],
    }),
    timeseries({
      title: "Prefix cache hit rate",
      description: "Share of prefix-cache lookups that reused cached KV blocks.",
      unit: "percentunit",
      w: 12,
      max: 1,
      targets: [
        target(
          `sum(rate(gateway_prefix_cache_hits_total{${MODEL}}[5m])) / clamp_min(sum(rate(gateway_prefix_cache_queries_total{${MODEL}}[5m])), 1e-9)`,
          "hit rate",
          "A",
        ),
      ],
    }),
    row("Where request time goes"),
    timeseries({
      title: "Mean time per request: queue / prefill / decode",
      description: "Stacked mean of the three phases; their sum approximates the end-to-end latency.",
      unit: "s",
      stack: true,
      targets: [
        meanOf("gateway_request_queue_time_seconds", "queue", "A", `{${MODEL}}`),
        meanOf("gateway_request_prefill_time_seconds", "prefill", "B", `{${MODEL}}`),
        meanOf("gateway_request_decode_time_seconds", "decode", "C", `{${MODEL}}`),
      ],
    }),
    timeseries({
      title: "p95 per phase",
      unit: "s",
      targets: ["queue", "prefill", "decode"].map((phase, i) =>
        target(
          `histogram_quantile(0.95, sum by (le) (rate(gateway_request_${phase}_time_seconds_bucket{${MODEL}}[5m])))`,
          phase,
          String.fromCharCode(65 + i),
        ),
      ),
    }),
  ],
});

const here = dirname(fileURLToPath(import.meta.url));
const outputs = { "gateway-overview.json": overview, "gateway-engine.json": engine };
const check = process.argv.includes("--check");
let drifted = false;
for (const [name, model] of Object.entries(outputs)) {
  const path = join(here, "dashboards", name);
  const text = JSON.stringify(model, null, 2) + "\n";
  if (!check) {
    writeFileSync(path, text);
    continue;
  }
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = "";
  }
  if (current !== text) {
    console.error(`${path} differs from generate-dashboards.mjs output; run node grafana/generate-dashboards.mjs`);
    drifted = true;
  }
}
process.exit(drifted ? 1 : 0);
