"""32 closed-loop streaming clients; a refused client waits its Retry-After, then sends again. Samples /metrics."""
import json, random, sys, threading, time, urllib.request, urllib.error
url, duration, idle = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
end = time.time() + duration
codes = {}
lock = threading.Lock()
prompt = " ".join(["The quick brown fox jumps over the lazy dog."] * 10)
def client(i):
    while time.time() < end:
        body = json.dumps({"model": "llama-134m-q4_0", "prompt": f"Request {i}-{random.random()}. {prompt}", "max_tokens": 64, "stream": True}).encode()
        req = urllib.request.Request(url + "/v1/completions", data=body, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=300) as r:
                for _ in r: pass
                code = r.status
        except urllib.error.HTTPError as e:
            code = e.code
            time.sleep(float(e.headers.get("Retry-After", "1")))
        except Exception as e:
            code = type(e).__name__
        with lock: codes[code] = codes.get(code, 0) + 1
def sample():
    text = urllib.request.urlopen(url + "/metrics", timeout=10).read().decode()
    vals = {}
    for line in text.splitlines():
        for name in ("gateway_demand_ratio", "gateway_num_requests_waiting", "gateway_num_requests_running"):
            if line.startswith(name + "{"): vals[name] = float(line.rsplit(" ", 1)[1])
    return vals
threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(32)]
start = time.time()
for t in threads: t.start()
while time.time() < end + idle:
    time.sleep(5)
    v = sample()
    phase = "load" if time.time() < end else "idle"
    print(f"{time.time()-start:6.0f}s {phase} demand={v.get('gateway_demand_ratio',0):.4f} waiting={v.get('gateway_num_requests_waiting',0):.0f} running={v.get('gateway_num_requests_running',0):.0f} codes={dict(codes)}", flush=True)
