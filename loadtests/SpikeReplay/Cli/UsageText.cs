namespace SpikeReplay.Cli;

/// <summary>The help text.</summary>
internal static class UsageText
{
    public const string Text = """
        spike-replay: open-model load generator for the gateway's streaming OpenAI API.

        spike-replay run      --scenario FILE [common options] [--capacity-rps X | --capacity-file capacity.json] [--seed N]
        spike-replay replay   --trace FILE.jsonl [--speed X] [--max-tokens N] [--api completions|chat] [common options]
        spike-replay capacity [--scenario FILE] [--start-rps 0.5] [--step-factor 1.5] [--step-s 20] [--max-rps 500]
                              [--max-refusal-ratio 0.01] [common options]       (writes OUT/capacity.json)
        spike-replay hpa-replay --summary RUN/summary.json [--hpa deploy/k8s/overlays/prod/gateway-hpa.yaml]
                              [--service-monitor deploy/k8s/components/prometheus-operator/gateway-servicemonitor.yaml]
                              [--pod-startup-s 45] [--recorded-replicas N (default: minReplicas)] [--spike-phase spike]
                              [--sync-offset-s 0] [--scrape-offset-s 0] [--out DIR (default: the summary's folder)]
                              what the manifest's HPA would have done during the run, second by second
                              (writes hpa-replay.json/.md/.html and adds its charts to chart.html)

        common options:
          --base-url URL        default http://127.0.0.1:8080; only loopback unless --allow-remote
          --out DIR             artifacts folder (summary.json, summary.md, chart.html, records.jsonl)
          --model NAME          default: the scenario's model, else the first id from GET /v1/models
          --api-key KEY         sent as a Bearer token (or env SPIKE_REPLAY_API_KEY)
          --assert LIST         e.g. "p95_ttft_ms<500,no_5xx,retry_after_on_refusals,goodput_ratio>=0.9";
                                metric@phase scopes a check to one phase; exit code 1 when any fails
          --slo-ttft-ms / --slo-tpot-ms / --slo-e2e-ms   goodput limits (override the scenario's)
          --max-requests N / --max-duration-s S / --max-in-flight N / --request-timeout-s S / --drain-timeout-s S
          --quiet               no per-second progress lines
        """;
}
