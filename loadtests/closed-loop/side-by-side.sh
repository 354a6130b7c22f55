#!/usr/bin/env bash
# Side by side on one GGUF: this gateway, then llama-server, each started fresh, each probed with closed_loop.py
# (time to ready, N sequential 128-token requests right after ready, then the closed loop at each client count).
# Repeat it (ROUNDS) to alternate the two on a noisy machine. Output: one JSON line per measurement.
#   loadtests/closed-loop/side-by-side.sh GATEWAY_BINARY MODEL.gguf [CLIENTS=1,4,16] [DURATION=20] [ROUNDS=1]
# llama-server is taken from LLAMA_SERVER (default /work/tools/llama.cpp/build/bin/llama-server), run with
# -np 16 -cb -t 2; the gateway with its defaults plus EXTRA_GATEWAY_ARGS. FIRST_REQUESTS (default 5) sets N.
set -euo pipefail
for port in 18080 18081; do if ss -ltn "sport = :$port" | grep -q LISTEN; then echo "port $port is taken" >&2; exit 1; fi; done
gateway=$1; model=$2; clients=${3:-1,4,16}; duration=${4:-20}; rounds=${5:-1}
llama=${LLAMA_SERVER:-/work/tools/llama.cpp/build/bin/llama-server}
here=$(cd "$(dirname "$0")" && pwd)
probe() { python3 "$here/closed_loop.py" --url "$1" --clients "$clients" --duration "$duration" --label "$2" --first-requests "${FIRST_REQUESTS:-5}"; }
wait_ready() { local start; start=$(date +%s.%N); until curl -sf "$1" >/dev/null; do sleep 0.1; done
  echo "{\"label\": \"$2\", \"ready_after_s\": $(echo "$(date +%s.%N) - $start" | bc)}"; }
for round in $(seq "$rounds"); do
  "$gateway" --model "$model" --urls http://127.0.0.1:18080 --Logging:LogLevel:Default=Warning ${EXTRA_GATEWAY_ARGS:-} >/tmp/side-by-side-gateway.log 2>&1 &
  pid=$!
  wait_ready http://127.0.0.1:18080/readyz "ours round $round"
  probe http://127.0.0.1:18080 "ours round $round"
  kill $pid; wait $pid 2>/dev/null || true
  "$llama" -m "$model" -np 16 -cb -t 2 --host 127.0.0.1 --port 18081 >/tmp/side-by-side-llama.log 2>&1 &
  pid=$!
  wait_ready http://127.0.0.1:18081/health "llama-server round $round"
  probe http://127.0.0.1:18081 "llama-server round $round"
  kill $pid; wait $pid 2>/dev/null || true
done
