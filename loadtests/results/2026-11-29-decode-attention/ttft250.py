import json, time, urllib.request, sys
url = sys.argv[1]
out = []
for i in range(5):
    prompt = [300 + ((i * 1000 + j) * 7919) % 30000 for j in range(250)]
    body = json.dumps({"model": "llama-134m-q4_0", "prompt": prompt, "max_tokens": 1, "stream": True, "temperature": 0}).encode()
    req = urllib.request.Request(url + "/v1/completions", data=body, headers={"Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        for line in r:
            if line.startswith(b"data: ") and b"[DONE]" not in line:
                d = json.loads(line[6:])
                if d.get("choices") and d["choices"][0].get("text") is not None:
                    out.append(round((time.perf_counter() - t0) * 1000, 1)); break
        for _ in r: pass
print(json.dumps({"ttft_ms_250_token_prompt": out, "implied_prefill_tok_s": [round(250 / (t / 1000)) for t in out]}))
