using Gateway.Engine.Onnx.Export;
using Gateway.Engine.Onnx.Runtime;
using Gateway.Inference;
using Gateway.Engine.Gguf.Synthetic;
using Gateway.Kernels;
using Gateway.Serving;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Gateway.Engine.Onnx.Tests.Serving;

/// <summary>
/// The serving core (queue, admission, continuous-batching scheduler) over an ONNX runner, composed through the same
/// registration the gateway host uses.
/// </summary>
internal sealed class OnnxServing : IAsyncDisposable
{
    private static readonly Lazy<string> SmolLm2Folder = new(() =>
    {
        // SmolLM2-135M's tokenizer, attention layout (GQA 3:1, tied embeddings) and INT4 weights, shrunk in depth and
        // width so the suite stays fast; Q4_0 exports losslessly into MatMulNBits.
        var spec = SyntheticModelSpec.Known["smollm2-135m"] with
        {
            EmbeddingLength = 192, BlockCount = 2, HeadCount = 6, KvHeadCount = 2, FeedForwardLength = 256, ContextLength = 1024,
        };
        var gguf = TestScratch.Path("onnx-serving-smollm2-q4_0.gguf");
        SyntheticModelWriter.Write(spec, TestModels.Path(spec.TokenizerFile), GgmlType.Q4_0, gguf, seed: 3);
        return ExportedModels.Get(gguf, "smollm2-small", ExportPrecision.Int4);
    });

    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private OnnxServing(ServiceProvider provider, StepCountingRunner runner)
    {
        _provider = provider;
        Runner = runner;
        Service = provider.GetRequiredService<IGenerationService>();
        _hosted = [.. provider.GetServices<IHostedService>()];
    }

    public StepCountingRunner Runner { get; }

    public IGenerationService Service { get; }

    public static string SmolLm2Int4 => SmolLm2Folder.Value;

    public static async Task<OnnxServing> StartAsync(string folder, int maxRunningSequences = 64)
    {
        var runner = new StepCountingRunner(OnnxModelRunnerFactory.Load(folder,
            new OnnxModelLoadOptions { KvCacheBlocks = 256, MaxBatchTokens = 256, Threads = 2 }, new OnnxRunnerOptions()));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serving:MaxBatchTokens"] = "256",
            ["Serving:MaxRunningSequences"] = maxRunningSequences.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Serving:KvCacheMemoryMiB"] = "64",
            // Step counts are the tests' clock: warm-up passes would be counted as steps of the requests under test.
            ["Serving:WarmupSeconds"] = "0",
            // The TTFT objective would refuse requests on a loaded CI machine; these tests are about batching, not admission.
            ["Admission:Enabled"] = "false",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IModelRunner>(runner);
        services.AddGatewayServing(configuration);
        var serving = new OnnxServing(services.BuildServiceProvider(), runner);
        foreach (var hosted in serving._hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return serving;
    }

    public GenerationStream Submit(string id, int[] prompt, int maxTokens)
    {
        var result = Service.Submit(new GenerationRequest(id, prompt, SamplingParams.Greedy, maxTokens, []), CancellationToken.None);
        return result.Stream ?? throw new InvalidOperationException($"request {id} refused: {result.Refusal}");
    }

    /// <summary>Reads a stream to its end; returns its tokens.</summary>
    public static async Task<int[]> CollectAsync(GenerationStream stream)
    {
        var tokens = new List<int>();
        await foreach (var e in stream.Events.ReadAllAsync())
        {
            Assert.Null(e.Error);
            tokens.AddRange(e.TokenIds);
        }

        return [.. tokens];
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted.Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _provider.DisposeAsync();
    }
}
