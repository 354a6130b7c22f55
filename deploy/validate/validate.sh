#!/usr/bin/env bash
# Offline validation of everything under deploy/ and grafana/. Prints one PASS/FAIL line per check (details of a
# failure follow its line, indented) and exits non-zero if any check fails.
# Needs: node >= 20 and npm (packages pinned in package-lock.json, installed here with npm ci), promtool
# (apt-get install -y prometheus), and kustomize or kubectl (which embeds kustomize).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

# check NAME COMMAND...: runs COMMAND, prints PASS/FAIL with its output indented on failure.
check() {
  local name="$1"
  shift
  if "$@" > "$work/output" 2>&1; then
    echo "PASS  $name"
  else
    echo "FAIL  $name"
    sed 's/^/      /' "$work/output"
    failures=$((failures + 1))
  fi
}

require() {
  command -v "$1" > /dev/null 2>&1 || { echo "FAIL  tool $1 not found ($2)"; exit 1; }
}
require node "install Node.js 20+"
require npm "install npm"
require promtool "apt-get install -y prometheus"

render() {
  if command -v kustomize > /dev/null 2>&1; then
    kustomize build "$1"
  elif command -v kubectl > /dev/null 2>&1; then
    kubectl kustomize "$1"
  else
    echo "neither kustomize nor kubectl is installed" >&2
    return 1
  fi
}

check "npm ci (deploy/validate)" npm ci --prefix "$here" --no-audit --no-fund --loglevel=error

# (a) + (b): render each overlay, validate every object against the Kubernetes / KEDA / prometheus-operator schemas,
# and reject fields those APIs do not define (the schemas alone allow them).
for overlay_dir in "$repo"/deploy/k8s/overlays/*/; do
  overlay="$(basename "$overlay_dir")"
  check "kustomize render overlays/$overlay" bash -c "$(declare -f render); render '$overlay_dir' > '$work/$overlay.yaml'"
  if [[ -s "$work/$overlay.yaml" ]]; then
    check "kubernetes schemas + invariants overlays/$overlay" node "$here/validate-k8s.mjs" "$overlay" "$work/$overlay.yaml"
    check "no unknown fields overlays/$overlay" node "$here/validate-k8s-fields.mjs" "$overlay" "$work/$overlay.yaml"
  fi
done

# (c): Prometheus configuration, rules, and rule unit tests.
prometheus_dir="$repo/deploy/prometheus"
check "promtool check rules" promtool check rules "$prometheus_dir"/*rules*.yml
check "promtool check config prometheus.yml" promtool check config "$prometheus_dir/prometheus.yml"
check "promtool check config prometheus-ci.yml" promtool check config "$prometheus_dir/prometheus-ci.yml"
check "promtool test rules" bash -c "cd '$prometheus_dir' && promtool test rules tests/*.yml"
check "PrometheusRule up to date with the rule files" node "$here/render-prometheusrule.mjs" --check

# (d): Grafana dashboards: committed JSON matches its generator, shape and conventions, and every query parses.
check "dashboards up to date with generate-dashboards.mjs" node "$repo/grafana/generate-dashboards.mjs" --check
check "grafana provisioning files" node "$here/validate-grafana-provisioning.mjs" "$repo"
check "dashboards shape (@grafana/schema)" node "$here/validate-dashboards.mjs" "$repo"/grafana/dashboards/*.json
check "rule and autoscaler metric names exported" node "$here/check-metric-names.mjs" "$repo"
check "dashboard and autoscaler PromQL parses" bash -c "node '$here/render-queries-as-rules.mjs' '$repo' > '$work/dashboards.rules.yml' && promtool check rules '$work/dashboards.rules.yml'"

# Dockerfile: every project file it copies for the restore layer exists (the image cannot be built here).
dockerfile_projects() {
  local missing=0
  for project in $(grep -oE '^COPY src/[^ ]+\.csproj' "$repo/deploy/docker/Dockerfile" | cut -d' ' -f2); do
    [[ -f "$repo/$project" ]] || { echo "missing $project"; missing=1; }
  done
  for project in "$repo"/src/*/*.csproj; do
    grep -q "COPY ${project#"$repo/"} " "$repo/deploy/docker/Dockerfile" || { echo "Dockerfile does not copy ${project#"$repo/"}"; missing=1; }
  done
  return $missing
}
check "Dockerfile copies every src project" dockerfile_projects

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
