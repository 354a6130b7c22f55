using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Gateway.Kernels;

namespace Gateway.Benchmarks.Kernels;

/// <summary>
/// Kernel throughput in GMAC per CPU-second of the one thread that runs it: one packed matrix times 1, 16, 256...
/// tokens through <see cref="MatMul.Multiply"/> (activation quantization included), best of several timed rounds.
/// The VMs we measure on run other tenants' work on the same hosts, which moves wall-clock figures by 20-50 % from
/// one minute to the next; a thread's CPU time leaves out the time it was not running at all, so kernel changes of
/// a few percent show through. It cannot leave out a core shared with a busy sibling, hence best-of rounds.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project loadtests/Gateway.Benchmarks -- gemm-probe [--type Q4_0] [--shape 2048x768]
/// [--tokens 1,16,256] [--rounds 7]</c>. Shape is rows (outputs) x columns (inputs), as a weight matrix in GGUF.
/// </remarks>
internal static unsafe class GemmProbe
{
    public static int Run(string[] args, TextWriter output)
    {
        var type = GgmlType.Q4_0;
        var (rows, cols) = (2048, 768);
        int[] tokenCounts = [1, 16, 256];
        var rounds = 7;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--type": type = Enum.Parse<GgmlType>(args[i + 1], ignoreCase: true); break;
                case "--shape":
                    var dims = args[i + 1].Split('x');
                    (rows, cols) = (int.Parse(dims[0], CultureInfo.InvariantCulture), int.Parse(dims[1], CultureInfo.InvariantCulture));
                    break;
                case "--tokens": tokenCounts = args[i + 1].Split(',').Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: output.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }

        var rowBytes = (int)GgmlTypeTraits.RowBytes(type, cols);
        var weights = (byte*)NativeMemory.AlignedAlloc((nuint)((long)rows * rowBytes), 64);
        var random = new Random(1);
        var values = new float[cols];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++) values[c] = (float)(random.NextDouble() - 0.5);
            Quantizer.QuantizeRow(type, values, new Span<byte>(weights + ((nint)r * rowBytes), rowBytes));
        }

        var matrix = new WeightMatrix(weights, type, rows, cols).WithPackedCopy();
        using var pool = new ComputePool(1);
        output.WriteLine($"{GgmlTypeTraits.Name(type)} {rows}x{cols}, packed, {KernelDispatch.Table.Variant} kernels, one thread, best of {rounds} rounds");
        foreach (var tokens in tokenCounts)
        {
            using var x = new Activations(tokens, cols);
            for (var t = 0; t < tokens; t++)
            {
                var row = x.Row(t);
                for (var c = 0; c < cols; c++) row[c] = (float)(random.NextDouble() - 0.5);
            }

            var y = new float[tokens * rows];
            var macs = (double)rows * cols * tokens;
            var calls = Math.Max(1, (int)(2e10 / macs)); // about 0.1 s a round at 200 GMAC/s
            var best = 0.0;
            for (var round = 0; round <= rounds; round++)
            {
                var start = CpuTime();
                for (var i = 0; i < calls; i++)
                {
                    x.SetCount(tokens); // fresh activations each call, as in a forward pass: quantization included
                    MatMul.Multiply(matrix, x, y, pool);
                }

                var seconds = (CpuTime() - start).TotalSeconds;
                if (round > 0)
                {
                    best = Math.Max(best, macs * calls / seconds / 1e9); // round 0 warms the JIT up
                }
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tokens {tokens,4}: {best,7:F1} GMAC per CPU-second"));
        }

        matrix.Packed!.Dispose();
        NativeMemory.AlignedFree(weights);
        return 0;
    }

    /// <summary>CPU time of the calling thread (the pool of one runs the work on it).</summary>
    private static TimeSpan CpuTime()
    {
        if (clock_gettime(ClockThreadCpuTime, out var spec) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return TimeSpan.FromTicks((spec.Seconds * TimeSpan.TicksPerSecond) + (spec.Nanoseconds / 100));
    }

    private const int ClockThreadCpuTime = 3;

    [DllImport("libc", SetLastError = true)]
    private static extern int clock_gettime(int clock, out TimeSpec spec);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
