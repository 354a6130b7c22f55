using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Gateway.Kernels;

/// <summary>
/// A persistent pool of worker threads for data-parallel kernels. <see cref="Run{TWork}"/> publishes a job, the
/// caller works as thread 0, and idle workers spin briefly before blocking, so a run costs a few microseconds and
/// allocates nothing (after the first run of each work type on each calling thread).
/// </summary>
/// <remarks>
/// Runs on one pool are serialized; a run must not start another run on the same pool from inside its work.
/// </remarks>
public sealed class ComputePool : IDisposable
{
    /// <summary>Pause iterations between two polls of a flag in the no-yield window.</summary>
    private const int PollIterations = 4;

    /// <summary>
    /// How long a waiting thread polls without yielding before <see cref="SpinWait"/> takes over: a decode step's
    /// dispatches come back to back and its joins wait microseconds, where a yield (a system call, slow on a VM) made
    /// each wait longer. Short, so a thread another one needs still gets the core soon (in-process A/B, alternating
    /// steps: batch 1 +3.7 %, batch 16 +2.4 % median of 12 rounds).
    /// </summary>
    private static readonly long PollTicks = Stopwatch.Frequency * 20 / 1_000_000;

    private static readonly Lazy<ComputePool> SharedPool = new(() => new ComputePool(Environment.ProcessorCount));

    private readonly object _runGate = new();
    private readonly Worker[] _workers;
    private readonly long _spinTicks;
    private WorkSlot? _job;
    private int _generation;
    private int _pending;
    private ClaimCounter _claims;
    private Exception? _failure;
    private volatile bool _disposed;

    public ComputePool(int threads)
        : this(new ComputePoolOptions { Threads = threads })
    {
    }

    public ComputePool(ComputePoolOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        Threads = options.Threads;
        _spinTicks = (long)(options.SpinBeforeBlocking.TotalSeconds * Stopwatch.Frequency);
        _workers = new Worker[Threads - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Worker(this, i + 1);
        }
    }

    /// <summary>A pool of ProcessorCount threads, created on first use.</summary>
    public static ComputePool Shared => SharedPool.Value;

    public int Threads { get; }

    /// <summary>
    /// Runs <c>work.Execute(threadIndex, Threads)</c> on every thread (the caller is thread 0) and returns when all
    /// have finished. The struct is copied to a reused per-thread slot, run, and copied back, so changes the work
    /// makes to its own fields on thread 0 are visible to the caller afterwards. Rethrows the first exception any
    /// thread raised.
    /// </summary>
    public void Run<TWork>(ref TWork work)
        where TWork : struct, IComputeWork
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_workers.Length == 0)
        {
            _claims.Value = 0;
            work.Execute(0, 1);
            return;
        }

        var slot = WorkSlot<TWork>.ForCurrentThread();
        slot.Work = work;
        lock (_runGate)
        {
            _failure = null;
            _claims.Value = 0;
            _job = slot;
            Volatile.Write(ref _pending, _workers.Length);
            Interlocked.Increment(ref _generation);
            foreach (var worker in _workers)
            {
                worker.WakeIfSleeping();
            }

            try
            {
                slot.Execute(0, Threads);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }

            // The other threads usually finish within microseconds: poll without yielding first (a yield is a
            // system call that can keep this thread away for longer than the wait itself), then as before.
            long pollUntil = Stopwatch.GetTimestamp() + PollTicks;
            while (Volatile.Read(ref _pending) != 0 && Stopwatch.GetTimestamp() < pollUntil)
            {
                Thread.SpinWait(PollIterations);
            }

            var spinner = default(SpinWait);
            while (Volatile.Read(ref _pending) != 0)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            _job = null;
            work = slot.Work;
            slot.Work = default;
            if (_failure is { } failure)
            {
                _failure = null;
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
    }

    /// <summary>
    /// Hands out 0, 1, 2... across the threads of the current run, each number once: work cut into pieces claims
    /// some of them with this instead of dealing them all out up front (see <see cref="WorkPieces"/>), so a thread
    /// whose core runs slower (another VM on its sibling, an interrupt) leaves its pieces to the other threads rather
    /// than making them wait at the join. Only valid inside <see cref="Run{TWork}"/>'s work.
    /// </summary>
    public int ClaimNext() => Interlocked.Increment(ref _claims.Value) - 1;

    public void Dispose()
    {
        lock (_runGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Interlocked.Increment(ref _generation);
            foreach (var worker in _workers)
            {
                worker.WakeIfSleeping();
            }
        }

        foreach (var worker in _workers)
        {
            worker.Join();
        }
    }

    /// <summary>The claim counter on a cache line of its own, away from the flags idle workers spin on.</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Explicit, Size = 128)]
    private struct ClaimCounter
    {
        [System.Runtime.InteropServices.FieldOffset(64)]
        public int Value;
    }

    private abstract class WorkSlot
    {
        public abstract void Execute(int threadIndex, int threadCount);
    }

    private sealed class WorkSlot<TWork> : WorkSlot
        where TWork : struct, IComputeWork
    {
        [ThreadStatic]
        private static WorkSlot<TWork>? _current;

        public TWork Work;

        public static WorkSlot<TWork> ForCurrentThread() => _current ??= new WorkSlot<TWork>();

        public override void Execute(int threadIndex, int threadCount) => Work.Execute(threadIndex, threadCount);
    }

    /// <summary>One background thread; sleeps on its own semaphore once it has spun without seeing a new run.</summary>
    private sealed class Worker
    {
        private readonly ComputePool _pool;
        private readonly int _index;
        private readonly SemaphoreSlim _wake = new(0);
        private readonly Thread _thread;
        private int _sleeping;

        public Worker(ComputePool pool, int index)
        {
            _pool = pool;
            _index = index;
            _thread = new Thread(Loop) { IsBackground = true, Name = $"ComputePool worker {index}" };
            _thread.Start();
        }

        /// <summary>Whoever clears the sleeping flag owns the wake-up: the runner releases, the worker consumes.</summary>
        public void WakeIfSleeping()
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            {
                _wake.Release();
            }
        }

        public void Join() => _thread.Join();

        private void Loop()
        {
            // Generation 0 is the pool's state before any run. Reading the counter here instead would lose a run
            // that was published before this thread got scheduled, and the runner would wait for it forever.
            int seen = 0;
            while (true)
            {
                int generation = WaitForNewGeneration(seen);
                seen = generation;
                if (_pool._disposed)
                {
                    return;
                }

                try
                {
                    _pool._job!.Execute(_index, _pool.Threads);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref _pool._failure, e, null);
                }

                Interlocked.Decrement(ref _pool._pending);
            }
        }

        private int WaitForNewGeneration(int seen)
        {
            long pollUntil = Stopwatch.GetTimestamp() + Math.Min(PollTicks, _pool._spinTicks);
            long deadline = Stopwatch.GetTimestamp() + _pool._spinTicks;
            var spinner = default(SpinWait);
            int generation;
            while ((generation = Volatile.Read(ref _pool._generation)) == seen)
            {
                if (Stopwatch.GetTimestamp() < pollUntil)
                {
                    Thread.SpinWait(PollIterations);
                    continue;
                }

                if (Stopwatch.GetTimestamp() < deadline)
                {
                    // SpinWait yields the core after a few spins, so an oversubscribed machine still runs the caller.
                    spinner.SpinOnce(sleep1Threshold: -1);
                    continue;
                }

                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _pool._generation) != seen)
                {
                    // A run started while we were going to sleep; if the runner already took the flag it has
                    // released (or will release) the semaphore, and that release must be consumed here.
                    if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                    {
                        _wake.Wait();
                    }

                    continue;
                }

                _wake.Wait();
                pollUntil = Stopwatch.GetTimestamp() + Math.Min(PollTicks, _pool._spinTicks);
                deadline = Stopwatch.GetTimestamp() + _pool._spinTicks;
                spinner.Reset();
            }

            return generation;
        }
    }
}
