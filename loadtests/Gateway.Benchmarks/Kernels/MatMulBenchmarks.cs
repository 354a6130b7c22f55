using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Gateway.Kernels;

namespace Gateway.Benchmarks.Kernels;

/// <summary>
/// One matmul of a SmolLM-135M-sized projection (576 hidden, 1536 FFN) per invocation, including the activation
/// quantization a real forward pass pays. Batch 16 reads the weights once for all rows, so its time per token should
/// be several times lower than batch 1. <see cref="Packed"/> compares the row kernels with the GEMM path the engine
/// uses (weights repacked at load); batch 256 is a prefill chunk.
/// </summary>
/// <remarks>Run: dotnet run -c Release --project loadtests/Gateway.Benchmarks -- --filter *MatMulBenchmarks* --job short</remarks>
[MemoryDiagnoser]
public unsafe class MatMulBenchmarks
{
    private byte* _weights;
    private WeightMatrix _matrix;
    private Activations _x = null!;
    private float[] _y = [];
    private ComputePool _pool = null!;

    [Params(GgmlType.Q4_0, GgmlType.Q8_0)]
    public GgmlType Type { get; set; }

    [Params("576x1536", "1536x576")]
    public string Shape { get; set; } = "576x1536";

    [Params(1, 16, 256)]
    public int Batch { get; set; }

    [Params(false, true)]
    public bool Packed { get; set; }

    [Params(KernelVariant.Scalar, KernelVariant.Avx2, KernelVariant.AvxVnni, KernelVariant.Avx512)]
    public KernelVariant Variant { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (!KernelDispatch.IsSupported(Variant))
        {
            throw new PlatformNotSupportedException($"{Variant} kernels need CPU support this machine lacks.");
        }

        KernelDispatch.Use(Variant);
        var dims = Shape.Split('x');
        int rows = int.Parse(dims[0], System.Globalization.CultureInfo.InvariantCulture);
        int cols = int.Parse(dims[1], System.Globalization.CultureInfo.InvariantCulture);
        int rowBytes = (int)GgmlTypeTraits.RowBytes(Type, cols);
        _weights = (byte*)NativeMemory.AlignedAlloc((nuint)(rows * rowBytes), 64);
        var random = new Random(1);
        var values = new float[cols];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++) values[c] = (float)(random.NextDouble() - 0.5);
            Quantizer.QuantizeRow(Type, values, new Span<byte>(_weights + (nint)r * rowBytes, rowBytes));
        }

        _matrix = new WeightMatrix(_weights, Type, rows, cols);
        if (Packed)
        {
            _matrix = _matrix.WithPackedCopy();
        }

        _x = new Activations(Batch, cols);
        for (int i = 0; i < Batch; i++)
        {
            var row = _x.Row(i);
            for (int c = 0; c < cols; c++) row[c] = (float)(random.NextDouble() - 0.5);
        }

        _y = new float[Batch * rows];
        _pool = new ComputePool(Environment.ProcessorCount);
    }

    [Benchmark]
    public void Multiply()
    {
        // Fresh activations every step in a real forward pass: pay their quantization too.
        _x.SetCount(Batch);
        MatMul.Multiply(_matrix, _x, _y, _pool);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _pool.Dispose();
        _x.Dispose();
        _matrix.Packed?.Dispose();
        NativeMemory.AlignedFree(_weights);
    }
}
