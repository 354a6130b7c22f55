#!/usr/bin/env bash
# End-to-end smoke run for CI: starts the built gateway on 127.0.0.1 with the real stories260K model, sends a little
# traffic, runs a short spike replay against it (asserting no 5xx and Retry-After on every refusal), then starts a real
# Prometheus that scrapes it and executes every dashboard and rule expression (core panels must return data).
# Usage: loadtests/ci-smoke.sh   (after `dotnet build -c Release`; needs prometheus, node/npm, curl)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
model="${GATEWAY_SMOKE_MODEL:-$repo/models/stories260K.gguf}"
config="${CONFIGURATION:-Release}"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
url="http://127.0.0.1:$port"
out="$repo/artifacts/ci/smoke"
mkdir -p "$out"

dotnet "src/Gateway/bin/$config/net10.0/gateway.dll" --model "$model" --urls "$url" > "$out/gateway.log" 2>&1 &
gateway=$!
trap 'kill -TERM $gateway 2>/dev/null || true; wait $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "$url/readyz" >/dev/null 2>&1 && break
  kill -0 $gateway 2>/dev/null || { cat "$out/gateway.log"; echo "gateway exited"; exit 1; }
  sleep 0.5
done
curl -fsS "$url/readyz" >/dev/null
echo "gateway ready at $url"

# A streamed answer, exactly as the README shows it.
curl -fsSN "$url/v1/completions" -H 'Content-Type: application/json' \
  -d '{"model":"stories260K","prompt":"Once upon a time","max_tokens":32,"stream":true,"stream_options":{"include_usage":true}}' \
  | tee "$out/curl-stream.txt" | grep -q 'data: \[DONE\]'

# The replay runs while Prometheus scrapes, so rate() and histogram_quantile() in the dashboards see live traffic.
dotnet "loadtests/SpikeReplay/bin/$config/net10.0/spike-replay.dll" run --base-url "$url" \
  --scenario loadtests/scenarios/smoke.json --out "$out/replay" --quiet \
  --assert "no_5xx,retry_after_on_refusals" > "$out/replay.log" 2>&1 &
replay=$!
sleep 10
live=0
REQUIRE_CORE_DATA=1 deploy/validate/promql-live-check.sh "$url" || live=$?
replay_status=0
wait $replay || replay_status=$?
cat "$out/replay.log"
[ "$live" -eq 0 ] || { echo "live PromQL check failed"; exit 1; }
[ "$replay_status" -eq 0 ] || { echo "smoke replay failed"; exit 1; }
echo "smoke passed"
