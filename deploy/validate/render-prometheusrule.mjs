// Wraps deploy/prometheus/*rules*.yml into the PrometheusRule that prometheus-operator loads, so the rules exist once
// (the files promtool checks and tests) and the cluster copy cannot drift from them.
//   node render-prometheusrule.mjs           rewrite deploy/k8s/components/prometheus-operator/gateway-prometheusrule.yaml
//   node render-prometheusrule.mjs --check   exit 1 if the committed file differs from the rule files
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const rulesFolder = join(repoRoot, "deploy", "prometheus");
const output = join(repoRoot, "deploy", "k8s", "components", "prometheus-operator", "gateway-prometheusrule.yaml");

const ruleFiles = readdirSync(rulesFolder).filter((n) => /rules.*\.ya?ml$/.test(n)).sort();
const groups = ruleFiles.flatMap((name) => parse(readFileSync(join(rulesFolder, name), "utf8")).groups);
const resource = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: {
    name: "gateway",
    namespace: "llm-gateway",
    // The label kube-prometheus-stack's default ruleSelector matches; adjust to your Prometheus resource.
    labels: { "app.kubernetes.io/name": "gateway", release: "kube-prometheus-stack" },
  },
  spec: { groups },
};
const header = `# Generated from deploy/prometheus/${ruleFiles.join(", ")} by deploy/validate/render-prometheusrule.mjs; do not edit.\n`;
const text = header + stringify(resource, { lineWidth: 0 });

if (!process.argv.includes("--check")) {
  writeFileSync(output, text);
  process.exit(0);
}
let current = "";
try {
  current = readFileSync(output, "utf8");
} catch {
  current = "";
}
if (current !== text) {
  console.error(`${output} is out of date; run node deploy/validate/render-prometheusrule.mjs`);
  process.exit(1);
}
