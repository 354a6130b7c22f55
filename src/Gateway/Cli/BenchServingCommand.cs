using System.CommandLine;
using Gateway.Benchmarking;
using Gateway.Engine.Gguf;
using Gateway.Engine.Gguf.Llama;
using Gateway.Hosting;
using Gateway.Inference;
using Gateway.Serving;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway bench-serving</c>: the serving core's figures — aggregate decode tokens/s at 1, 4, 16, 64 concurrent
/// requests; TTFT with a shared system prompt, prefix cache on vs off; and where step time goes.
/// </summary>
internal static class BenchServingCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var threads = CliOptions.Threads();
        var concurrency = new Option<string>("--concurrency") { Description = "Concurrent requests, comma-separated.", DefaultValueFactory = _ => "1,4,16,64" };
        var output = new Option<int>("--output-tokens") { Description = "Tokens generated per request.", DefaultValueFactory = _ => 64 };
        var prompt = new Option<int>("--prompt-tokens") { Description = "Prompt tokens per request in the throughput sweep.", DefaultValueFactory = _ => 32 };
        var system = new Option<int>("--system-prompt-tokens") { Description = "Shared prefix length for the TTFT comparison.", DefaultValueFactory = _ => 512 };
        var repeats = new Option<int>("--repeat", "-r") { Description = "Measurements per figure.", DefaultValueFactory = _ => 3 };
        var command = new Command("bench-serving", "Measure the serving core: batched decode throughput, prefix-cache TTFT, step-time breakdown (GGUF file or ONNX model folder).")
        {
            model, concurrency, output, prompt, system, repeats, threads,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var path = parse.GetValue(model) ?? throw new ArgumentException("bench-serving needs --model PATH");
            var levels = parse.GetValue(concurrency)!.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            var n = parse.GetValue(repeats);
            var baseline = 0.0;
            await using (var serving = await StartAsync(path, parse.GetValue(threads), prefixCaching: true, levels.Max()).ConfigureAwait(false))
            {
                Console.WriteLine($"model      {serving.Runner.Info.Name} ({serving.Runner.Info.WeightTypeSummary}), {serving.Runner.KvCache.BlockCount} KV blocks of {serving.Runner.KvCache.BlockSize}");
                Console.WriteLine($"figures    median (min .. max) of {n} runs; {parse.GetValue(prompt)} prompt + {parse.GetValue(output)} generated tokens per request");
                var bench = new ServingBenchmark(serving.Service);
                await bench.DecodeThroughputAsync(2, 8, 8).ConfigureAwait(false); // warm-up: JIT and page cache
                using var phases = new StepPhaseRecorder();
                foreach (var c in levels)
                {
                    var samples = new List<double>();
                    var profile = new ForwardProfile();
                    if (serving.Runner is LlamaModelRunner llama)
                    {
                        llama.Profile = profile;
                    }

                    phases.Reset();
                    for (var r = 0; r < n; r++)
                    {
                        samples.Add(await bench.DecodeThroughputAsync(c, parse.GetValue(prompt), parse.GetValue(output)).ConfigureAwait(false));
                    }

                    if (serving.Runner is LlamaModelRunner profiled)
                    {
                        profiled.Profile = null;
                    }

                    var stats = Statistics.Of(samples);
                    baseline = c == levels[0] ? stats.Median : baseline;
                    Console.WriteLine($"decode     {c,3} concurrent     {stats} tok/s   x{stats.Median / baseline:F2} vs {levels[0]}");
                    var p = phases.Snapshot();
                    var total = p.Values.Sum();
                    var forward = profile.MatMul + profile.Attention + profile.Other;
                    if (total > 0 && forward <= TimeSpan.Zero)
                    {
                        // ONNX Runtime: the forward pass is one call, so only the serving side is broken down.
                        Console.WriteLine(
                            $"           step time: forward {p.GetValueOrDefault("forward") / total:P0}, sampling+detokenize {p.GetValueOrDefault("sample") / total:P0}, " +
                            $"scheduling {p.GetValueOrDefault("schedule") / total:P0}");
                    }
                    else if (total > 0)
                    {
                        var forwardShare = p.GetValueOrDefault("forward") / total;
                        Console.WriteLine(
                            $"           step time: matmul {forwardShare * profile.MatMul / forward:P0}, attention {forwardShare * profile.Attention / forward:P0}, " +
                            $"other forward {forwardShare * profile.Other / forward:P0}, sampling+detokenize {p.GetValueOrDefault("sample") / total:P0}, " +
                            $"scheduling {p.GetValueOrDefault("schedule") / total:P0}");
                    }
                }

                var prefix = bench.RandomTokens(parse.GetValue(system));
                var cached = Statistics.Of(await bench.TimeToFirstTokenAsync(prefix, 16, Math.Max(3, n)).ConfigureAwait(false));
                Console.WriteLine($"ttft       {prefix.Length}-token shared prefix, cache on   {cached} ms");
            }

            await using (var serving = await StartAsync(path, parse.GetValue(threads), prefixCaching: false, 4).ConfigureAwait(false))
            {
                var bench = new ServingBenchmark(serving.Service);
                var prefix = bench.RandomTokens(parse.GetValue(system));
                var uncached = Statistics.Of(await bench.TimeToFirstTokenAsync(prefix, 16, Math.Max(3, n)).ConfigureAwait(false));
                Console.WriteLine($"ttft       {prefix.Length}-token shared prefix, cache off  {uncached} ms");
            }

            return 0;
        });
        return command;
    }

    private static async Task<ServingInstance> StartAsync(string path, int threads, bool prefixCaching, int maxConcurrency)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Serving:EnablePrefixCaching"] = prefixCaching.ToString(),
            ["Serving:MaxRunningSequences"] = Math.Max(64, maxConcurrency).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Serving:MaxBatchTokens"] = "512",
            ["Serving:KvCacheMemoryMiB"] = "1024",
            ["Admission:Enabled"] = "false",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new ModelRunnerOptions { Threads = threads, MaxBatchTokens = 512, KvCacheMemoryMiB = 1024 };
        var runner = ModelEngines.Load(path, options, configuration);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IModelRunner>(runner);
        services.AddGatewayServing(configuration);
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var h in hosted)
        {
            await h.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return new ServingInstance(provider, hosted, runner, provider.GetRequiredService<IGenerationService>());
    }

    private sealed record ServingInstance(ServiceProvider Provider, List<IHostedService> Hosted, IModelRunner Runner, IGenerationService Service) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            foreach (var h in Hosted)
            {
                await h.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            await Provider.DisposeAsync().ConfigureAwait(false);
        }
    }
}
