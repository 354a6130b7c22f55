using Gateway.Engine.Gguf.Llama;

namespace Gateway.Engine.Gguf.Tests.Llama;

public sealed class SharedPiecesTests
{
    [Fact]
    public void An_owner_whose_piece_throws_returns_only_after_the_helpers_run_is_done()
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var work = new FailingWork();
            using var helper = new Helper(work);
            Assert.Throws<InvalidOperationException>(() => work.Run(pieces: 64));

            // The helper took half of the pieces in one run and each takes a while: without the wait it would still
            // be inside one here, writing through fields the caller may already have released.
            Assert.Equal(0, Volatile.Read(ref work.InFlight));
            Assert.True(work.HelperPieces > 0);
        }
    }

    [Fact]
    public void Every_piece_is_computed_once_by_the_owner_or_the_helper()
    {
        var work = new CountingWork(200);
        using var helper = new Helper(work);
        for (var round = 0; round < 50; round++)
        {
            Array.Clear(work.Counts);
            work.Run();
            Assert.All(work.Counts, count => Assert.Equal(1, count));
        }
    }

    /// <summary>A second thread taking runs from the back as fast as it can until disposed.</summary>
    private sealed class Helper : IDisposable
    {
        private readonly Thread _thread;
        private int _stop;

        public Helper(SharedPieces work)
        {
            _thread = new Thread(() =>
            {
                while (Volatile.Read(ref _stop) == 0)
                {
                    work.TryHelp(threadIndex: 1);
                }
            });
            _thread.Start();
        }

        public void Dispose()
        {
            Volatile.Write(ref _stop, 1);
            _thread.Join();
        }
    }

    /// <summary>The owner's second piece waits until the helper is inside a run, then throws.</summary>
    private sealed class FailingWork : SharedPieces
    {
        public int InFlight;
        public int HelperPieces;
        private int _helperStarted;

        public void Run(int pieces) => RunAsOwner(pieces, threadIndex: 0);

        protected override void ComputePieces(int first, int end, int threadIndex)
        {
            Interlocked.Increment(ref InFlight);
            try
            {
                if (threadIndex == 0)
                {
                    if (first == 1)
                    {
                        SpinWait.SpinUntil(() => Volatile.Read(ref _helperStarted) == 1);
                        throw new InvalidOperationException("piece 1 failed");
                    }

                    return;
                }

                Volatile.Write(ref _helperStarted, 1);
                for (var piece = first; piece < end; piece++)
                {
                    Thread.Sleep(1);
                    Interlocked.Increment(ref HelperPieces);
                }
            }
            finally
            {
                Interlocked.Decrement(ref InFlight);
            }
        }
    }

    private sealed class CountingWork(int pieces) : SharedPieces
    {
        public readonly int[] Counts = new int[pieces];

        public void Run() => RunAsOwner(Counts.Length, threadIndex: 0);

        protected override void ComputePieces(int first, int end, int threadIndex)
        {
            for (var piece = first; piece < end; piece++)
            {
                Interlocked.Increment(ref Counts[piece]);
            }
        }
    }
}
