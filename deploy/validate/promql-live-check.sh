#!/usr/bin/env bash
# Live PromQL check: starts Debian's prometheus on 127.0.0.1 scraping GATEWAY_URL every second (with the CI config and
# the recording/alert rules loaded), waits for two successful scrapes, then executes every dashboard query and rule
# expression against it (promql-live-check.mjs). Exits non-zero if the gateway cannot be scraped or any query errors.
#   deploy/validate/promql-live-check.sh http://127.0.0.1:5000
# Environment: PROMETHEUS_BIN (default: prometheus), REQUIRE_CORE_DATA=1 to also fail when a core panel has no data.
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 GATEWAY_URL" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
prometheus_bin="${PROMETHEUS_BIN:-prometheus}"

# http://host:port/anything -> host:port (the scrape path is /metrics per the contract).
target="${1#*://}"
target="${target%%/*}"
if [[ "$target" != *:* ]]; then
  echo "GATEWAY_URL must include a port: $1" >&2
  exit 2
fi

[[ -d "$here/node_modules" ]] || (cd "$here" && npm ci --silent --no-audit --no-fund)

work="$(mktemp -d)"
prometheus_pid=""
cleanup() {
  if [[ -n "$prometheus_pid" ]]; then
    kill "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

cp "$repo"/deploy/prometheus/*rules*.yml "$work/"
sed "s#127\.0\.0\.1:8080#${target}#" "$repo/deploy/prometheus/prometheus-ci.yml" > "$work/prometheus.yml"
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
prometheus_url="http://127.0.0.1:${port}"

"$prometheus_bin" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:${port}" --log.level=warn > "$work/prometheus.log" 2>&1 &
prometheus_pid=$!

for _ in $(seq 1 60); do
  curl -fsS "$prometheus_url/-/ready" > /dev/null 2>&1 && break
  kill -0 "$prometheus_pid" 2>/dev/null || { cat "$work/prometheus.log" >&2; echo "prometheus exited" >&2; exit 1; }
  sleep 0.5
done

# Two successful scrapes give every counter two samples, which rate() needs.
scrapes=0
for _ in $(seq 1 30); do
  scrapes="$(curl -fsS "$prometheus_url/api/v1/query" --data-urlencode 'query=sum_over_time(up{job="gateway"}[1m])' \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s).data.result;console.log(r.length?Math.floor(Number(r[0].value[1])):0)})')"
  [[ "$scrapes" -ge 2 ]] && break
  sleep 1
done
if [[ "$scrapes" -lt 2 ]]; then
  echo "FAIL  prometheus could not scrape http://${target}/metrics twice in 30s:" >&2
  curl -fsS "$prometheus_url/api/v1/targets" >&2 || true
  exit 1
fi
echo "ok    prometheus scraped http://${target}/metrics ${scrapes} times"

node "$here/promql-live-check.mjs" "$prometheus_url" 1m
