#!/usr/bin/env bash
# Local scale-out, the way the HPA does it in Kubernetes: N gateway replicas (each its own process and engine) behind
# one front-door gateway that routes the model to them as an upstream cluster (least-requests balancing, health
# checks), all sharing one Redis for global tenant limits. Then runs a spike replay against the front door.
#   loadtests/scale-out.sh MODEL.gguf REPLICAS [SCENARIO] [OUT]
# Needs a Release build (dotnet build -c Release) and redis-server. Everything binds to 127.0.0.1 only.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
model="${1:?usage: $0 MODEL.gguf REPLICAS [SCENARIO] [OUT]}"
replicas="${2:?replica count}"
scenario="${3:-loadtests/scenarios/spike-10x.json}"
out="${4:-artifacts/scale-out-$replicas}"
name="$(basename "$model" .gguf)"
gateway="dotnet src/Gateway/bin/Release/net10.0/gateway.dll"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
wait_ready() { for _ in $(seq 1 120); do curl -fsS "$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.5; done; echo "$1 not ready" >&2; return 1; }
mkdir -p "$out"
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no > "$out/redis.log" 2>&1 &
pids+=($!)

# Each replica gets an equal share of the cores, as pods get CPU limits.
threads=$(( $(nproc) / replicas )); [ "$threads" -ge 1 ] || threads=1
cluster_args=("--FrontDoor:Clusters:replicas:Models:0=$name" "--FrontDoor:Clusters:replicas:LoadBalancing=LeastRequests")
for i in $(seq 1 "$replicas"); do
  port="$(free_port)"
  $gateway --model "$model" --urls "http://127.0.0.1:$port" --Model:Threads="$threads" \
    --FrontDoor:Redis:Configuration="127.0.0.1:$redis_port" > "$out/replica-$i.log" 2>&1 &
  pids+=($!)
  wait_ready "http://127.0.0.1:$port"
  cluster_args+=("--FrontDoor:Clusters:replicas:Destinations:r$i:Address=http://127.0.0.1:$port")
done

# The front door serves only a tiny local model itself; the real model lives on the replicas.
front_port="$(free_port)"
$gateway --model "$repo/models/stories260K.gguf" --urls "http://127.0.0.1:$front_port" --Model:Threads=1 \
  --FrontDoor:Redis:Configuration="127.0.0.1:$redis_port" "${cluster_args[@]}" > "$out/front-door.log" 2>&1 &
pids+=($!)
wait_ready "http://127.0.0.1:$front_port"
echo "front door http://127.0.0.1:$front_port -> $replicas replica(s) of $name"

dotnet loadtests/SpikeReplay/bin/Release/net10.0/spike-replay.dll run --base-url "http://127.0.0.1:$front_port" \
  --model "$name" --scenario "$scenario" --out "$out/replay" --quiet "${@:5}"
