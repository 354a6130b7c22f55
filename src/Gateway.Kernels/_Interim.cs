// Interim scalar stand-ins for the kernels branch (replaced on merge). Same public signatures.
using System.Runtime.InteropServices;
namespace Gateway.Kernels;
public enum GgmlType : uint { F32 = 0, F16 = 1, Q4_0 = 2, Q4_1 = 3, Q8_0 = 8, Q4_K = 12, Q6_K = 14, Q8_K = 15, BF16 = 30 }
public static class GgmlTypeTraits
{
    public static bool IsSupported(GgmlType t) => t is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 or GgmlType.Q8_0 or GgmlType.Q4_0 or GgmlType.Q4_1 or GgmlType.Q4_K or GgmlType.Q6_K;
    public static int BlockSize(GgmlType t) => t switch { GgmlType.F32 or GgmlType.F16 or GgmlType.BF16 => 1, GgmlType.Q4_K or GgmlType.Q6_K or GgmlType.Q8_K => 256, _ => 32 };
    public static int BlockBytes(GgmlType t) => t switch { GgmlType.F32 => 4, GgmlType.F16 or GgmlType.BF16 => 2, GgmlType.Q4_0 => 18, GgmlType.Q4_1 => 20, GgmlType.Q8_0 => 34, GgmlType.Q4_K => 144, GgmlType.Q6_K => 210, _ => 292 };
    public static long RowBytes(GgmlType t, long n) { if (n % BlockSize(t) != 0) throw new ArgumentException("not a multiple of block size"); return n / BlockSize(t) * BlockBytes(t); }
    public static string Name(GgmlType t) => t.ToString();
}
public static class Dequantizer
{
    public static void DequantizeRow(GgmlType t, ReadOnlySpan<byte> src, Span<float> dst)
    {
        switch (t)
        {
            case GgmlType.F32: MemoryMarshal.Cast<byte, float>(src)[..dst.Length].CopyTo(dst); break;
            case GgmlType.F16: { var h = MemoryMarshal.Cast<byte, Half>(src); for (int i = 0; i < dst.Length; i++) dst[i] = (float)h[i]; break; }
            case GgmlType.Q8_0: for (int b = 0; b < dst.Length / 32; b++) { var blk = src.Slice(b * 34, 34); float d = (float)BitConverter.ToHalf(blk); for (int i = 0; i < 32; i++) dst[b * 32 + i] = d * (sbyte)blk[2 + i]; } break;
            case GgmlType.Q4_0: for (int b = 0; b < dst.Length / 32; b++) { var blk = src.Slice(b * 18, 18); float d = (float)BitConverter.ToHalf(blk); for (int i = 0; i < 16; i++) { dst[b * 32 + i] = d * ((blk[2 + i] & 15) - 8); dst[b * 32 + i + 16] = d * ((blk[2 + i] >> 4) - 8); } } break;
            default: throw new NotSupportedException(t.ToString());
        }
    }
}
public static class Quantizer
{
    public static void QuantizeRow(GgmlType t, ReadOnlySpan<float> src, Span<byte> dst)
    {
        switch (t)
        {
            case GgmlType.F32: MemoryMarshal.AsBytes(src).CopyTo(dst); break;
            case GgmlType.Q8_0:
                for (int b = 0; b < src.Length / 32; b++) { var x = src.Slice(b * 32, 32); float amax = 0; foreach (var v in x) amax = MathF.Max(amax, MathF.Abs(v)); float d = amax / 127; float id = d != 0 ? 1 / d : 0; BitConverter.TryWriteBytes(dst.Slice(b * 34), (Half)d); for (int i = 0; i < 32; i++) dst[b * 34 + 2 + i] = (byte)(sbyte)MathF.Round(x[i] * id); }
                break;
            case GgmlType.Q4_0:
                for (int b = 0; b < src.Length / 32; b++) { var x = src.Slice(b * 32, 32); float amax = 0, max = 0; foreach (var v in x) if (MathF.Abs(v) > amax) { amax = MathF.Abs(v); max = v; } float d = max / -8; float id = d != 0 ? 1 / d : 0; BitConverter.TryWriteBytes(dst.Slice(b * 18), (Half)d); for (int i = 0; i < 16; i++) { int q0 = Math.Min(15, (int)(x[i] * id + 8.5f)); int q1 = Math.Min(15, (int)(x[i + 16] * id + 8.5f)); dst[b * 18 + 2 + i] = (byte)(q0 | (q1 << 4)); } }
                break;
            default: throw new NotSupportedException(t.ToString());
        }
    }
}
public readonly unsafe struct WeightMatrix
{
    public WeightMatrix(byte* data, GgmlType type, int rows, int cols) { Data = data; Type = type; Rows = rows; Cols = cols; }
    public byte* Data { get; } public GgmlType Type { get; } public int Rows { get; } public int Cols { get; }
    public ReadOnlySpan<byte> Row(int r) { long rb = GgmlTypeTraits.RowBytes(Type, Cols); return new ReadOnlySpan<byte>(Data + rb * r, (int)rb); }
}
public sealed class Activations : IDisposable
{
    private readonly float[] _data;
    public Activations(int maxRows, int cols) { MaxRows = maxRows; Cols = cols; _data = new float[maxRows * cols]; }
    public int Cols { get; } public int MaxRows { get; } public int Count { get; private set; }
    public Span<float> Row(int i) => _data.AsSpan(i * Cols, Cols);
    public void SetCount(int rows) => Count = rows;
    public void Dispose() { }
}
public interface IComputeWork { void Execute(int threadIndex, int threadCount); }
public sealed class ComputePool : IDisposable
{
    public ComputePool(int threads) { Threads = 1; }
    public int Threads { get; }
    public static ComputePool Shared { get; } = new(1);
    public void Run<TWork>(ref TWork work) where TWork : struct, IComputeWork => work.Execute(0, 1);
    public void Dispose() { }
}
public static class MatMul
{
    public static void Multiply(in WeightMatrix w, Activations x, Span<float> y, ComputePool pool) => MultiplyRows(w, x, y, 0, w.Rows);
    public static void MultiplyRows(in WeightMatrix w, Activations x, Span<float> y, int rowStart, int rowEnd)
    {
        var row = new float[w.Cols];
        for (int r = rowStart; r < rowEnd; r++) { Dequantizer.DequantizeRow(w.Type, w.Row(r), row); for (int i = 0; i < x.Count; i++) { double s = 0; var xr = x.Row(i); float f = 0; for (int c = 0; c < w.Cols; c++) f += row[c] * xr[c]; s = f; y[i * w.Rows + r] = (float)s; } }
    }
}
public static class VectorOps
{
    public static void RmsNorm(ReadOnlySpan<float> x, ReadOnlySpan<float> weight, float eps, Span<float> y) { float ss = 0; foreach (var v in x) ss += v * v; float s = 1 / MathF.Sqrt(ss / x.Length + eps); for (int i = 0; i < x.Length; i++) y[i] = x[i] * s * weight[i]; }
    public static void Softmax(Span<float> x) { float m = float.NegativeInfinity; foreach (var v in x) m = MathF.Max(m, v); float s = 0; for (int i = 0; i < x.Length; i++) { x[i] = MathF.Exp(x[i] - m); s += x[i]; } for (int i = 0; i < x.Length; i++) x[i] /= s; }
    public static void SiluMul(Span<float> gate, ReadOnlySpan<float> up) { for (int i = 0; i < gate.Length; i++) gate[i] = gate[i] / (1 + MathF.Exp(-gate[i])) * up[i]; }
    public static void Add(Span<float> y, ReadOnlySpan<float> x) { for (int i = 0; i < y.Length; i++) y[i] += x[i]; }
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<Half> b) { float s = 0; for (int i = 0; i < a.Length; i++) s += a[i] * (float)b[i]; return s; }
    public static void AddScaled(Span<float> y, ReadOnlySpan<Half> x, float scale) { for (int i = 0; i < y.Length; i++) y[i] += scale * (float)x[i]; }
    public static void ConvertToHalf(ReadOnlySpan<float> s, Span<Half> d) { for (int i = 0; i < s.Length; i++) d[i] = (Half)s[i]; }
    public static void ConvertToSingle(ReadOnlySpan<Half> s, Span<float> d) { for (int i = 0; i < s.Length; i++) d[i] = (float)s[i]; }
}
