#!/usr/bin/env python3
"""Closed-loop probe: C clients, each streaming /v1/completions back to back for a fixed time.

Works against any OpenAI-compatible server that streams completions (this gateway, llama-server, vLLM). Per client
count it prints one JSON line: requests, completed, refused (429/503), errors, generated tokens per second, TTFT and
inter-token latency percentiles. Standard library only, so it runs wherever python3 does.

    python3 loadtests/closed-loop/closed_loop.py --url http://127.0.0.1:8080 --clients 1,4,16 --duration 20

Requests are greedy (temperature 0) unless --temperature and --top-p say otherwise.

With --first-requests N it first sends N streamed requests one after another (right after the server turned ready,
this shows whether it starts at full speed) and prints each one's decode tokens/s (tokens after the first, over the
time from the first to the last).

Tokens are counted from the final usage chunk when the server sends one, else one per streamed text event (both
servers stream one token per event). TTFT is measured from sending the request to the first streamed text event.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse

PROMPTS = [
    "Once upon a time, there was a little fox who",
    "The old lighthouse keeper looked at the sea and",
    "Tom found a small red box under his bed. Inside",
    "In a quiet village by the river, a girl named Lily",
    "The dragon was tired of being feared, so one day it",
    "Every morning the baker opened his shop and",
    "A tiny robot woke up in a junkyard and wondered",
    "The children ran into the forest because they heard",
]


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Totals:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.completed = 0
        self.refused = 0
        self.errors = 0
        self.tokens = 0
        self.ttft = []
        self.itl = []
        self.error_samples = []


# Greedy unless --temperature / --top-p say otherwise; both are sent as given.
SAMPLING = {"temperature": 0}


def one_request(url, model, prompt, max_tokens, totals, deadline):
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=120)
    body = {
        "prompt": prompt,
        "max_tokens": max_tokens,
        **SAMPLING,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if model:
        body["model"] = model
    start = time.perf_counter()
    first = None
    last = None
    events = 0
    usage_tokens = None
    gaps = []
    try:
        connection.request("POST", "/v1/completions", json.dumps(body), {"Content-Type": "application/json"})
        response = connection.getresponse()
        if response.status in (429, 503):
            response.read()
            with totals.lock:
                totals.requests += 1
                totals.refused += 1
            retry = response.getheader("Retry-After")
            # A refused client backs off as an SDK would, but never past the end of the run.
            time.sleep(min(float(retry) if retry else 1.0, max(0.0, deadline - time.perf_counter())))
            return
        if response.status != 200:
            text = response.read()[:200]
            raise RuntimeError(f"HTTP {response.status}: {text!r}")
        while True:
            line = response.readline()
            if not line:
                break
            line = line.strip()
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                break
            chunk = json.loads(payload)
            if chunk.get("error"):
                raise RuntimeError(str(chunk["error"])[:200])
            if chunk.get("usage") and chunk["usage"].get("completion_tokens") is not None:
                usage_tokens = chunk["usage"]["completion_tokens"]
            choices = chunk.get("choices") or []
            if not choices or not choices[0].get("text"):
                continue
            now = time.perf_counter()
            if first is None:
                first = now
            else:
                gaps.append(now - last)
            last = now
            events += 1
        with totals.lock:
            totals.requests += 1
            totals.completed += 1
            totals.tokens += usage_tokens if usage_tokens is not None else events
            if first is not None:
                totals.ttft.append(first - start)
            totals.itl.extend(gaps)
    except Exception as error:  # noqa: BLE001 - every failure is counted and the client carries on
        with totals.lock:
            totals.requests += 1
            totals.errors += 1
            if len(totals.error_samples) < 3:
                totals.error_samples.append(str(error)[:200])
    finally:
        connection.close()


def client_loop(index, url, model, max_tokens, totals, deadline):
    n = index
    while time.perf_counter() < deadline:
        one_request(url, model, PROMPTS[n % len(PROMPTS)], max_tokens, totals, deadline)
        n += 1


def resolve_model(url):
    parsed = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port or 80, timeout=30)
    try:
        connection.request("GET", "/v1/models")
        data = json.loads(connection.getresponse().read())
        return data["data"][0]["id"]
    except Exception:  # noqa: BLE001 - servers that ignore "model" work without it
        return None
    finally:
        connection.close()


def run(url, clients, duration, max_tokens, label):
    model = resolve_model(url)
    totals = Totals()
    start = time.perf_counter()
    deadline = start + duration
    threads = [threading.Thread(target=client_loop, args=(i, url, model, max_tokens, totals, deadline), daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start

    def ms(values, p):
        value = percentile(values, p)
        return None if value is None else round(value * 1000, 1)

    return {
        "label": label,
        "clients": clients,
        "duration_s": round(elapsed, 1),
        "requests": totals.requests,
        "completed": totals.completed,
        "refused": totals.refused,
        "errors": totals.errors,
        "generated_tokens": totals.tokens,
        "tokens_per_s": round(totals.tokens / elapsed, 1),
        "ttft_p50_ms": ms(totals.ttft, 50),
        "ttft_p95_ms": ms(totals.ttft, 95),
        "itl_p50_ms": ms(totals.itl, 50),
        "itl_p95_ms": ms(totals.itl, 95),
        "error_samples": totals.error_samples,
    }


def sequential(url, count, max_tokens, label):
    model = resolve_model(url)
    rates = []
    for n in range(count):
        totals = Totals()
        start = time.perf_counter()
        one_request(url, model, PROMPTS[n % len(PROMPTS)], max_tokens, totals, start + 600)
        if totals.completed == 1 and totals.itl:
            rates.append(round(len(totals.itl) / sum(totals.itl), 1))
        else:
            rates.append(None)
    return {"label": label, "first_requests_decode_tok_s": rates, "max_tokens": max_tokens}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--clients", default="1,4,16", help="comma-separated client counts, run in order")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per client count")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--label", default="", help="copied into every result line (e.g. ours / llama-server)")
    parser.add_argument("--first-requests", type=int, default=0, help="sequential requests to time before the load")
    parser.add_argument("--first-max-tokens", type=int, default=128)
    parser.add_argument("--temperature", type=float, default=0.0, help="sampling temperature (default 0, greedy)")
    parser.add_argument("--top-p", type=float, default=None, help="top_p to send (default: not sent)")
    args = parser.parse_args()
    SAMPLING["temperature"] = args.temperature
    if args.top_p is not None:
        SAMPLING["top_p"] = args.top_p
    if args.first_requests > 0:
        print(json.dumps(sequential(args.url, args.first_requests, args.first_max_tokens, args.label)), flush=True)
    for clients in (int(c) for c in args.clients.split(",")):
        print(json.dumps(run(args.url, clients, args.duration, args.max_tokens, args.label)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
