using System.Diagnostics.Metrics;
using Gateway.Inference;
using Gateway.Serving.Diagnostics;
using Gateway.Serving.Queue;

namespace Gateway.Serving.Tests.TestDoubles;

/// <summary>Builds a <see cref="GenerationService"/> over a runner double without a host, and reads streams to the end.</summary>
internal sealed class ServingHarness : IAsyncDisposable
{
    public ServingHarness(IModelRunner runner, ServingOptions? options = null, IAdmissionPolicy? admission = null, bool start = true, IMeterFactory? meterFactory = null)
    {
        Runner = runner;
        Logger = new CapturingLogger<GenerationService>();
        Metrics = new ServingMetrics(meterFactory, runner.Info.Name);
        Service = new GenerationService(
            runner,
            options ?? new ServingOptions(),
            admission ?? new OpenAdmissionPolicy(),
            Metrics,
            Logger);
        if (start)
        {
            Service.Start();
        }
    }

    public IModelRunner Runner { get; }

    public GenerationService Service { get; }

    public ServingMetrics Metrics { get; }

    public CapturingLogger<GenerationService> Logger { get; }

    public static GenerationRequest Request(string id, int[] prompt, int maxTokens, SamplingParams? sampling = null, IReadOnlyList<string>? stops = null, int priority = 0) =>
        new(id, prompt, sampling ?? SamplingParams.Greedy, maxTokens, stops ?? [], priority);

    public GenerationStream SubmitOrThrow(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var result = Service.Submit(request, cancellationToken);
        return result.Stream ?? throw new InvalidOperationException($"Request {request.RequestId} refused: {result.Refusal}.");
    }

    public async Task<Completion> RunAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        await CollectAsync(SubmitOrThrow(request, cancellationToken));

    public static async Task<Completion> CollectAsync(GenerationStream stream)
    {
        List<GenerationEvent> events = [];
        await foreach (var e in stream.Events.ReadAllAsync())
        {
            events.Add(e);
        }

        return new Completion(events);
    }

    /// <summary>Waits (bounded) until the loop has published an idle state: nothing running or waiting.</summary>
    public async Task WaitUntilIdleAsync()
    {
        for (var i = 0; i < 1000; i++)
        {
            var snapshot = Service.Snapshot();
            if (snapshot.Running == 0 && snapshot.Waiting == 0 && snapshot.KvBlocksUsed == 0)
            {
                return;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The service did not become idle.");
    }

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        Metrics.Dispose();
    }
}
