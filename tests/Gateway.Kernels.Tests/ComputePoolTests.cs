namespace Gateway.Kernels.Tests;

public class ComputePoolTests
{
    [Fact]
    public void Survives_100k_runs_and_every_thread_runs_every_time()
    {
        // Two threads: the shared CI box has two cores, and a third thread would make each run wait for a time slice.
        using var pool = new ComputePool(2);
        var counts = new long[2];
        var work = new CountingWork(counts);
        for (int i = 0; i < 100_000; i++)
        {
            pool.Run(ref work);
        }

        Assert.All(counts, c => Assert.Equal(100_000L, c));
    }

    [Fact]
    public void Workers_that_went_to_sleep_wake_up_for_the_next_run()
    {
        using var pool = new ComputePool(new ComputePoolOptions { Threads = 2, SpinBeforeBlocking = TimeSpan.Zero });
        var counts = new long[2];
        var work = new CountingWork(counts);
        for (int i = 0; i < 200; i++)
        {
            pool.Run(ref work);
            if (i % 50 == 0) Thread.Sleep(5);
        }

        Assert.Equal(200L, counts[1]);
    }

    [Fact]
    public void A_run_published_before_the_workers_started_still_reaches_them()
    {
        // Workers start asynchronously; the first run often comes before they have been scheduled.
        for (int attempt = 0; attempt < 50; attempt++)
        {
            using var pool = new ComputePool(3);
            var counts = new long[3];
            var work = new CountingWork(counts);
            pool.Run(ref work);
            Assert.Equal(new long[] { 1, 1, 1 }, counts);
        }
    }

    [Fact]
    public void Changes_the_work_makes_on_thread_0_reach_the_caller()
    {
        using var pool = new ComputePool(2);
        var work = new RecordingWork();
        pool.Run(ref work);
        Assert.Equal(2, work.ThreadCountSeenByThread0);
    }

    [Fact]
    public void An_exception_on_a_worker_is_rethrown_and_the_pool_keeps_working()
    {
        using var pool = new ComputePool(2);
        var failing = new FailingWork(failOn: 1);
        Assert.Throws<InvalidOperationException>(() => pool.Run(ref failing));

        var counts = new long[2];
        var work = new CountingWork(counts);
        pool.Run(ref work);
        Assert.Equal(new long[] { 1, 1 }, counts);
    }

    [Fact]
    public void Shared_pool_uses_every_processor()
    {
        Assert.Equal(Environment.ProcessorCount, ComputePool.Shared.Threads);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ComputePool(0));
    }

    [Theory]
    [InlineData(1, 10, 1)]
    [InlineData(2, 10, 1)]
    [InlineData(2, 2048, 8)]
    [InlineData(2, 32000, 1)]
    [InlineData(2, 100, 4)]
    public void Row_pieces_cover_every_row_once_in_whole_groups(int threads, int rows, int tokens)
    {
        // Fixed halves below four tokens, fixed shares then claimed pieces from four on: either way each row exactly
        // once, and no piece boundary inside a 16-row group except at the matrix end.
        using var pool = new ComputePool(threads);
        for (int run = 0; run < 200; run++)
        {
            var seen = new int[rows];
            var work = new PieceWork(pool, rows, tokens, seen);
            pool.Run(ref work);
            Assert.All(seen, c => Assert.Equal(1, c));
        }
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 1)]
    [InlineData(2, 16)]
    [InlineData(2, 37)]
    public void Item_pieces_cover_every_item_once(int threads, int items)
    {
        using var pool = new ComputePool(threads);
        for (int run = 0; run < 200; run++)
        {
            var seen = new int[items];
            var work = new ItemWork(pool, items, seen);
            pool.Run(ref work);
            Assert.All(seen, c => Assert.Equal(1, c));
        }
    }

    private readonly struct ItemWork(ComputePool pool, int items, int[] seen) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount)
        {
            var pieces = WorkPieces.ForItems(pool, items, threadIndex, threadCount);
            while (pieces.NextItem(out int item))
            {
                Interlocked.Increment(ref seen[item]);
            }
        }
    }

    private readonly struct PieceWork(ComputePool pool, int rows, int tokens, int[] seen) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount)
        {
            var pieces = WorkPieces.ForRows(pool, rows, tokens, threadIndex, threadCount);
            while (pieces.Next(out int start, out int end))
            {
                Assert.True(start % 16 == 0 && (end % 16 == 0 || end == rows), $"piece [{start}, {end})");
                for (int r = start; r < end; r++) Interlocked.Increment(ref seen[r]);
            }
        }
    }

    private readonly struct CountingWork(long[] counts) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount) => Interlocked.Increment(ref counts[threadIndex]);
    }

    private struct RecordingWork : IComputeWork
    {
        public int ThreadCountSeenByThread0;

        public void Execute(int threadIndex, int threadCount)
        {
            if (threadIndex == 0) ThreadCountSeenByThread0 = threadCount;
        }
    }

    private readonly struct FailingWork(int failOn) : IComputeWork
    {
        public void Execute(int threadIndex, int threadCount)
        {
            if (threadIndex == failOn) throw new InvalidOperationException("boom");
        }
    }
}
