// Checks Grafana dashboard JSON against the dashboard model of @grafana/schema (required fields, the schema version
// its defaultDashboard carries, known variable types) and against this project's conventions: every query goes through
// the ${datasource} variable, a model variable exists, panels do not overlap, refIds are unique per panel, and the
// metric names queried are ones the gateway exports (config-contract.md) or standard Prometheus/kube-state-metrics ones.
//   node validate-dashboards.mjs DASHBOARD.json...
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { defaultDashboard } from "@grafana/schema";

// VariableType in @grafana/schema's dashboard types.
const VARIABLE_TYPES = new Set(["query", "adhoc", "groupby", "constant", "datasource", "interval", "textbox", "custom", "system", "snapshot", "switch"]);
const PANEL_TYPES = new Set(["row", "timeseries", "stat", "gauge", "bargauge", "table", "heatmap", "text", "piechart", "histogram", "barchart", "state-timeline", "logs"]);
const GRID_COLUMNS = 24;

const GATEWAY_METRICS = new Set([
  "gateway_time_to_first_token_seconds",
  "gateway_inter_token_latency_seconds",
  "gateway_e2e_request_latency_seconds",
  "gateway_request_queue_time_seconds",
  "gateway_request_prefill_time_seconds",
  "gateway_request_decode_time_seconds",
  "gateway_num_requests_running",
  "gateway_num_requests_waiting",
  "gateway_kv_cache_usage_ratio",
  "gateway_demand_ratio",
  "gateway_prefix_cache_queries_total",
  "gateway_prefix_cache_hits_total",
  "gateway_prompt_tokens_total",
  "gateway_generation_tokens_total",
  "gateway_requests_total",
  "gateway_rate_limited_total",
  "gateway_queue_rejections_total",
  "gateway_engine_step_duration_seconds",
  "gateway_engine_batch_size",
  "gateway_engine_step_tokens",
]);
const HISTOGRAM_SUFFIX = /_(bucket|sum|count)$/;

function metricNamesIn(expr) {
  return [...expr.matchAll(/\b(gateway_[a-z0-9_]+)/g)].map((m) => m[1]);
}

function checkDashboard(file) {
  const problems = [];
  const problem = (message) => problems.push(`${basename(file)}: ${message}`);
  let dashboard;
  try {
    dashboard = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    return [`${basename(file)}: not valid JSON: ${error.message}`];
  }

  if (dashboard.schemaVersion !== defaultDashboard.schemaVersion) {
    problem(`schemaVersion ${dashboard.schemaVersion}, current is ${defaultDashboard.schemaVersion}`);
  }
  for (const field of ["uid", "title"]) {
    if (typeof dashboard[field] !== "string" || dashboard[field] === "") problem(`missing ${field}`);
  }
  if (!Array.isArray(dashboard.panels) || dashboard.panels.length === 0) problem("no panels");

  const variables = dashboard.templating?.list ?? [];
  for (const variable of variables) {
    if (typeof variable.name !== "string") problem("variable without name");
    if (!VARIABLE_TYPES.has(variable.type)) problem(`variable ${variable.name}: unknown type ${variable.type}`);
  }
  const datasourceVariable = variables.find((v) => v.name === "datasource");
  if (datasourceVariable?.type !== "datasource" || datasourceVariable.query !== "prometheus") {
    problem("needs a datasource variable named 'datasource' selecting Prometheus datasources");
  }
  if (!variables.some((v) => v.name === "model" && v.type === "query")) problem("needs a query variable named 'model'");

  const ids = new Set();
  const occupied = new Map();
  for (const panel of dashboard.panels ?? []) {
    const where = `panel ${panel.id} "${panel.title}"`;
    if (typeof panel.type !== "string" || !PANEL_TYPES.has(panel.type)) problem(`${where}: unknown type ${panel.type}`);
    if (ids.has(panel.id)) problem(`${where}: duplicate id`);
    ids.add(panel.id);
    const grid = panel.gridPos;
    if (!grid || ![grid.h, grid.w, grid.x, grid.y].every(Number.isInteger)) {
      problem(`${where}: gridPos needs integer h, w, x, y`);
      continue;
    }
    if (grid.x < 0 || grid.x + grid.w > GRID_COLUMNS) problem(`${where}: gridPos exceeds ${GRID_COLUMNS} columns`);
    for (let row = grid.y; row < grid.y + grid.h; row++) {
      for (let column = grid.x; column < grid.x + grid.w; column++) {
        const cell = `${row}:${column}`;
        if (occupied.has(cell)) {
          problem(`${where}: overlaps panel ${occupied.get(cell)}`);
          row = grid.y + grid.h;
          break;
        }
        occupied.set(cell, panel.id);
      }
    }
    if (panel.type === "row") continue;
    if (panel.datasource?.uid !== "${datasource}") problem(`${where}: datasource must be the \${datasource} variable`);
    const targets = panel.targets ?? [];
    if (targets.length === 0) problem(`${where}: no queries`);
    const refIds = new Set();
    for (const target of targets) {
      if (refIds.has(target.refId)) problem(`${where}: duplicate refId ${target.refId}`);
      refIds.add(target.refId);
      if (target.datasource?.uid !== "${datasource}") problem(`${where} ${target.refId}: datasource must be \${datasource}`);
      if (typeof target.expr !== "string" || target.expr.trim() === "") {
        problem(`${where} ${target.refId}: empty expr`);
        continue;
      }
      for (const metric of metricNamesIn(target.expr)) {
        if (!GATEWAY_METRICS.has(metric) && !GATEWAY_METRICS.has(metric.replace(HISTOGRAM_SUFFIX, ""))) {
          problem(`${where} ${target.refId}: ${metric} is not a gateway metric of the contract`);
        }
      }
    }
  }
  return problems;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node validate-dashboards.mjs DASHBOARD.json...");
  process.exit(2);
}
const uids = new Map();
let failed = false;
for (const file of files) {
  const problems = checkDashboard(file);
  const uid = problems.some((p) => p.includes("not valid JSON")) ? undefined : JSON.parse(readFileSync(file, "utf8")).uid;
  if (uid !== undefined && uids.has(uid)) problems.push(`${basename(file)}: uid ${uid} also used by ${uids.get(uid)}`);
  uids.set(uid, basename(file));
  for (const p of problems) console.error(`  ${p}`);
  failed ||= problems.length > 0;
}
process.exit(failed ? 1 : 0);
