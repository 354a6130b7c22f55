// Validates rendered Kubernetes manifests (multi-document YAML, e.g. `kubectl kustomize deploy/k8s/overlays/prod`)
// against the Kubernetes, KEDA and prometheus-operator JSON schemas shipped in kubernetes-models, then checks the
// invariants this deployment relies on (probes, shutdown budget, a single autoscaler per Deployment).
//   node validate-k8s.mjs OVERLAY_NAME RENDERED.yaml
// Prints one line per problem and exits 1 if there is any.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { MODEL_MODULES, objectName as name } from "./kubernetes-kinds.mjs";

// Shutdown budget beyond Drain:TimeoutSeconds: the preStop sleep that lets endpoint removal propagate, and time for the
// host to flush telemetry and exit.
const PRESTOP_SLEEP_SECONDS = 5;
const SHUTDOWN_MARGIN_SECONDS = 10;

const [overlay, file] = process.argv.slice(2);
if (!overlay || !file) {
  console.error("usage: node validate-k8s.mjs OVERLAY_NAME RENDERED.yaml");
  process.exit(2);
}

const problems = [];
const objects = [];
for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
  if (doc.errors.length > 0) {
    problems.push(`YAML: ${doc.errors.map((e) => e.message).join("; ")}`);
    continue;
  }
  const object = doc.toJS();
  if (object !== null) objects.push(object);
}

// kustomize wraps long base64 Secret values over several lines; the API server's base64 decoder skips line breaks,
// the schema's "byte" format does not, so compare what the server would decode.
function asServerDecodes(object) {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/[\r\n]/g, "")]));
  return { ...object, data };
}

for (const object of objects) {
  const key = `${object.apiVersion}/${object.kind}`;
  const modulePath = MODEL_MODULES[key];
  if (!modulePath) {
    problems.push(`${name(object)}: no schema registered for ${key}`);
    continue;
  }
  const module = await import(modulePath);
  const Model = module[object.kind];
  try {
    new Model(asServerDecodes(object)).validate();
  } catch (error) {
    problems.push(`${name(object)}: ${error.message}`);
  }
}

const byKind = (kind) => objects.filter((o) => o.kind === kind);

function appsettingsOf(deployment) {
  const volume = deployment.spec.template.spec.volumes?.find((v) => v.name === "appsettings");
  const configMap = byKind("ConfigMap").find((c) => c.metadata.name === volume?.configMap?.name);
  const text = configMap?.data?.["appsettings.Production.json"];
  return text === undefined ? undefined : JSON.parse(text);
}

for (const deployment of byKind("Deployment").filter((d) => d.metadata.name === "gateway")) {
  const pod = deployment.spec.template.spec;
  const container = pod.containers.find((c) => c.name === "gateway");
  const where = name(deployment);
  if (container?.livenessProbe?.httpGet?.path !== "/healthz") problems.push(`${where}: liveness probe must GET /healthz`);
  if (container?.readinessProbe?.httpGet?.path !== "/readyz") problems.push(`${where}: readiness probe must GET /readyz`);
  if (!container?.startupProbe) problems.push(`${where}: startupProbe missing (model load)`);
  const resources = container?.resources ?? {};
  if (String(resources.requests?.cpu) !== String(resources.limits?.cpu)) {
    problems.push(`${where}: CPU requests must equal limits (Guaranteed QoS for a CPU-bound engine)`);
  }
  const settings = appsettingsOf(deployment);
  if (!settings) {
    problems.push(`${where}: appsettings ConfigMap not found`);
  } else {
    const drain = settings.Drain?.TimeoutSeconds ?? 30;
    const needed = PRESTOP_SLEEP_SECONDS + drain + SHUTDOWN_MARGIN_SECONDS;
    if ((pod.terminationGracePeriodSeconds ?? 30) < needed) {
      problems.push(`${where}: terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} < preStop + Drain:TimeoutSeconds + margin = ${needed}`);
    }
  }
  const autoscalers = [
    ...byKind("HorizontalPodAutoscaler").filter((h) => h.spec.scaleTargetRef.name === "gateway"),
    ...byKind("ScaledObject").filter((s) => s.spec.scaleTargetRef.name === "gateway"),
  ];
  if (autoscalers.length > 1) {
    problems.push(`${where}: scaled by ${autoscalers.map(name).join(" and ")}; exactly one autoscaler may own it`);
  }
  if (autoscalers.length === 1 && deployment.spec.replicas !== undefined) {
    problems.push(`${where}: sets spec.replicas while ${name(autoscalers[0])} owns the replica count`);
  }
}

for (const problem of problems) console.error(`  ${overlay}: ${problem}`);
console.log(`${overlay}: ${objects.length} objects, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
