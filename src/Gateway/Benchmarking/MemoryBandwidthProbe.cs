using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Gateway.Kernels;

namespace Gateway.Benchmarking;

/// <summary>
/// Measures sustained memory read bandwidth the way the decode loop uses memory: every thread of the kernel pool
/// streaming through its share of a buffer far larger than the caches. This is the roofline batch-1 decode is judged by.
/// </summary>
internal static unsafe class MemoryBandwidthProbe
{
    public static double MeasureGigabytesPerSecond(ComputePool pool, int megabytes = 512, int repeats = 5)
    {
        var bytes = (nuint)megabytes << 20;
        var buffer = (byte*)NativeMemory.AlignedAlloc(bytes, 64);
        try
        {
            // Touch every page first so the timing measures reads, not page faults.
            NativeMemory.Fill(buffer, bytes, 1);
            var best = 0.0;
            for (var r = 0; r < repeats; r++)
            {
                var work = new ReadWork(buffer, (long)bytes);
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                pool.Run(ref work);
                var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
                best = Math.Max(best, bytes / seconds / 1e9);
                GC.KeepAlive(work.Sink);
            }

            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private struct ReadWork(byte* buffer, long length) : IComputeWork
    {
        public long Sink;

        public void Execute(int threadIndex, int threadCount)
        {
            var share = length / threadCount / 256 * 256;
            var p = buffer + (share * threadIndex);
            var end = p + share;
            Vector256<long> a = default, b = default, c = default, d = default;
            for (; p < end; p += 128)
            {
                a += Vector256.Load((long*)p);
                b += Vector256.Load((long*)(p + 32));
                c += Vector256.Load((long*)(p + 64));
                d += Vector256.Load((long*)(p + 96));
            }

            Interlocked.Add(ref Sink, Vector256.Sum(a + b + c + d));
        }
    }
}
