using Gateway.Engine.Gguf.Synthetic;
using Gateway.Inference;
using Gateway.Kernels;

namespace Gateway.Engine.Gguf.Tests.Llama;

/// <summary>The runner lends its compute threads to per-sequence work between forward passes (drawing tokens).</summary>
public sealed class ComputeThreadsTests : IDisposable
{
    private static readonly SyntheticModelSpec Spec = SyntheticModelSpec.Known["llama-134m"] with
    {
        Name = "llama-threads", EmbeddingLength = 128, BlockCount = 1, HeadCount = 2, KvHeadCount = 2, FeedForwardLength = 128, ContextLength = 256,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("compute-threads").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Every_item_runs_once_and_a_forward_pass_still_runs_after(int threads)
    {
        var path = Path.Combine(_dir, "model.gguf");
        SyntheticModelWriter.Write(Spec, TestModels.Path(Spec.TokenizerFile), GgmlType.Q8_0, path, seed: 5);
        using var runner = ModelRunnerFactory.Load(path, new ModelRunnerOptions { BlockSize = 16, KvCacheBlocks = 8, Threads = threads });
        var computeThreads = Assert.IsAssignableFrom<IComputeThreads>(runner);

        var runs = new int[1_000];
        var threadIds = new HashSet<int>();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        computeThreads.For(runs.Length, i =>
        {
            Interlocked.Increment(ref runs[i]);
            int seen;
            lock (threadIds)
            {
                threadIds.Add(Environment.CurrentManagedThreadId);
                seen = threadIds.Count;
            }

            // The first items wait until every thread has taken one (or a generous deadline passes): proof that the
            // work is spread, however late a busy machine schedules the second thread.
            while (seen < threads && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
                lock (threadIds)
                {
                    seen = threadIds.Count;
                }
            }
        });

        Assert.All(runs, r => Assert.Equal(1, r));
        Assert.Equal(threads, threadIds.Count);

        computeThreads.For(0, _ => throw new InvalidOperationException("no items, no calls"));
        var logits = new float[runner.Info.VocabSize];
        runner.Forward([new SequenceChunk(new[] { 1, 2, 3 }, 0, new[] { 0 }, true, 1)], logits);
        Assert.Contains(logits, l => l != 0);
    }
}
