using System.CommandLine;
using System.Text.Json;
using Gateway.Benchmarking;
using Gateway.Engine.Gguf;
using Gateway.Engine.Gguf.Llama;
using Gateway.Hosting;
using Gateway.Kernels;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway bench</c>: prefill and decode tokens/s of the engine, batch-1 decode as a fraction of the memory-bandwidth
/// roofline, and batched decode against batch 1 — all measured side by side in one process, with min/median/max.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var model = CliOptions.Model();
        var threads = CliOptions.Threads();
        var kvType = CliOptions.KvType();
        var prompt = new Option<int>("--prompt-tokens") { Description = "Prefill length (llama-bench's pp).", DefaultValueFactory = _ => 256 };
        var steps = new Option<int>("--decode-tokens") { Description = "Decode steps per measurement (llama-bench's tg).", DefaultValueFactory = _ => 64 };
        var context = new Option<int>("--context") { Description = "Tokens already in each sequence's KV cache when decode starts.", DefaultValueFactory = _ => 16 };
        var batches = new Option<string>("--batches") { Description = "Sequences per forward pass for decode, comma-separated.", DefaultValueFactory = _ => "1,4,16" };
        var repeats = new Option<int>("--repeat", "-r") { Description = "Measurements per figure (after one warm-up).", DefaultValueFactory = _ => 5 };
        var json = new Option<string?>("--json") { Description = "Also write the results as JSON to this file." };
        var command = new Command("bench", "Measure prefill and decode throughput of the engine (a GGUF file, or an ONNX model folder through ONNX Runtime).") { model, prompt, steps, context, batches, repeats, threads, kvType, json };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var path = parse.GetValue(model) ?? throw new ArgumentException("bench needs --model PATH");
            var batchSizes = parse.GetValue(batches)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse).ToArray();
            var promptTokens = parse.GetValue(prompt);
            var decodeSteps = parse.GetValue(steps);
            var ctx = parse.GetValue(context);
            var n = parse.GetValue(repeats);
            var threadCount = parse.GetValue(threads) > 0 ? parse.GetValue(threads) : Environment.ProcessorCount;

            double bandwidth;
            using (var probePool = new ComputePool(threadCount))
            {
                bandwidth = MemoryBandwidthProbe.MeasureGigabytesPerSecond(probePool);
            }

            var blockSize = 16;
            var blocksNeeded = Math.Max((promptTokens + blockSize - 1) / blockSize, batchSizes.Max() * ((ctx + decodeSteps + blockSize - 1) / blockSize));
            using var runner = ModelEngines.Load(path, new ModelRunnerOptions
            {
                Threads = threadCount,
                KvCacheType = parse.GetValue(kvType),
                KvCacheBlocks = blocksNeeded,
                BlockSize = blockSize,
                MaxBatchTokens = Math.Max(512, batchSizes.Max()),
            }, new ConfigurationBuilder().Build());

            // Our GGUF engine also says where forward time goes and how close batch-1 decode is to the bandwidth
            // roofline; ONNX Runtime is measured the same way from the outside.
            var llama = runner as LlamaModelRunner;
            var profile = llama is null ? null : new ForwardProfile();
            var profiles = batchSizes.Distinct().ToDictionary(b => b, _ => new ForwardProfile());
            var bench = new EngineBenchmark(runner, timed: on =>
            {
                if (llama is not null)
                {
                    llama.Profile = on ? profile : null;
                }
            });
            var bytesPerToken = llama?.WeightBytesPerForward ?? 0;
            var roofline = bytesPerToken > 0 ? bandwidth * 1e9 / bytesPerToken : 0;

            var engine = llama is null ? "ONNX Runtime" : "GGUF";
            Console.WriteLine($"model      {runner.Info.Name} ({runner.Info.Architecture}, {runner.Info.ParameterCount / 1e6:F1}M params, {runner.Info.WeightTypeSummary}), engine {engine}");
            Console.WriteLine($"machine    {Environment.ProcessorCount} cores, {threadCount} threads, kernels {KernelInfo()}, read bandwidth {bandwidth:F1} GB/s");
            if (roofline > 0)
            {
                Console.WriteLine($"weights    {bytesPerToken / 1048576.0:F1} MiB read per forward -> roofline {roofline:F0} tok/s at batch 1");
            }

            var (passes, warmed) = bench.WarmUp(promptTokens, batchSizes, ctx, TimeSpan.FromSeconds(30));
            Console.WriteLine($"warm-up    {passes} passes over every shape, {warmed.TotalSeconds:F1} s, until the JIT settled");
            Console.WriteLine($"figures    median (min .. max) of {n} runs; decode runs every batch size once per round, and a ratio to batch 1 is taken within each round");
            profile?.Reset();
            var prefill = bench.Prefill(promptTokens, n);
            Console.WriteLine($"prefill    pp{promptTokens,-5}              {prefill} tok/s  {Split(profile)}");
            var rounds = bench.DecodeRounds(batchSizes, ctx, decodeSteps, n, measuring: b => profile = llama is null ? null : profiles[b]);
            var decode = rounds.ToDictionary(kv => kv.Key, kv => Statistics.Of(kv.Value));
            foreach (var (b, samples) in rounds)
            {
                var ratio = rounds.TryGetValue(1, out var one)
                    ? $"  x{Statistics.Of(samples.Select((rate, r) => rate / one[r]).ToArray()).Format("F2")} vs batch 1"
                    : string.Empty;
                var ofRoofline = b == 1 && roofline > 0 ? $"  = {decode[b].Median / roofline:P0} of roofline" : string.Empty;
                Console.WriteLine($"decode     tg{decodeSteps} batch {b,-3}        {decode[b]} tok/s{ratio}{ofRoofline}  {Split(llama is null ? null : profiles[b])}");
            }

            if (parse.GetValue(json) is { } jsonPath)
            {
                File.WriteAllText(jsonPath, JsonSerializer.Serialize(new
                {
                    model = runner.Info.Name,
                    engine,
                    weights = runner.Info.WeightTypeSummary,
                    threads = threadCount,
                    bandwidthGBps = bandwidth,
                    weightBytesPerForward = bytesPerToken,
                    rooflineTokensPerSecond = roofline,
                    prefill = new { tokens = promptTokens, prefill.Min, prefill.Median, prefill.Max },
                    decode = decode.Select(kv => new { batch = kv.Key, kv.Value.Min, kv.Value.Median, kv.Value.Max }),
                }, new JsonSerializerOptions { WriteIndented = true }));
            }

            return 0;
        }));
        return command;
    }

    /// <summary>Where the measured runs' forward time went (warm-up, first run and context fill excluded): matmul / attention / the rest.</summary>
    private static string Split(ForwardProfile? p)
    {
        if (p is null)
        {
            return string.Empty;
        }

        var total = (p.MatMul + p.Attention + p.Other).TotalSeconds;
        return total <= 0 ? string.Empty : $"[matmul {p.MatMul.TotalSeconds / total:P0}, attention {p.Attention.TotalSeconds / total:P0}, other {p.Other.TotalSeconds / total:P0}]";
    }

    private static string KernelInfo() =>
        System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512" : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "scalar";
}
