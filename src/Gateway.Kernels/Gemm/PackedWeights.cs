using System.Runtime.InteropServices;

namespace Gateway.Kernels;

/// <summary>
/// A Q4_0, Q8_0, Q4_1, Q4_K or Q6_K weight matrix repacked once, at load, into the interleaved layout the GEMM micro-kernels
/// stream (see <see cref="PackedLayout"/>): 16 rows per group, fp16 scales widened to fp32, quants stored unsigned.
/// About 11 % (Q4_0), 6 % (Q8_0), 20 % (Q4_1) or 33 % (Q4_K: a scale and a minimum per 32 values instead of per 256
/// plus 6-bit factors) or 52 % (Q6_K: int8 values and two scales per 32) larger than the ggml rows; the original rows are no longer read for products, so their pages in
/// the mapped file can be dropped by the OS. Native, 64-byte aligned, immutable after construction.
/// </summary>
public sealed unsafe class PackedWeights : IDisposable
{
    private byte* _data;

    private PackedWeights(GgmlType type, int rows, int cols)
    {
        Type = type;
        Rows = rows;
        Cols = cols;
        BlocksPerRow = cols / BlockLayout.Qk;
        Groups = (rows + PackedLayout.GroupRows - 1) / PackedLayout.GroupRows;
        GroupBytes = (long)BlocksPerRow * PackedLayout.BlockBytes(type);
        ByteSize = GroupBytes * Groups;
        _data = (byte*)NativeMemory.AlignedAlloc((nuint)Math.Max(ByteSize, 64), 64);
        NativeMemory.Clear(_data, (nuint)Math.Max(ByteSize, 64));
    }

    ~PackedWeights() => Free();

    public GgmlType Type { get; }

    public int Rows { get; }

    public int Cols { get; }

    /// <summary>Native bytes this copy occupies.</summary>
    public long ByteSize { get; }

    internal int BlocksPerRow { get; }

    internal int Groups { get; }

    internal long GroupBytes { get; }

    /// <summary>Whether matrices of this type can be packed (and then multiply through the GEMM kernels).</summary>
    public static bool Supports(GgmlType type) => PackedLayout.Supports(type);

    /// <summary>Repacks <paramref name="w"/>; its memory is only read.</summary>
    public static PackedWeights Pack(in WeightMatrix w)
    {
        if (!Supports(w.Type))
        {
            throw new NotSupportedException($"Weights of type {GgmlTypeTraits.Name(w.Type)} have no packed layout.");
        }

        var packed = new PackedWeights(w.Type, w.Rows, w.Cols);
        for (int g = 0; g < packed.Groups; g++)
        {
            for (int r = 0; r < PackedLayout.GroupRows; r++)
            {
                int row = g * PackedLayout.GroupRows + r;
                if (row < w.Rows)
                {
                    packed.PackRow(w.Data + (nint)row * w.RowBytes, g, r);
                }
            }
        }

        return packed;
    }

    internal byte* Group(int g) => _data + g * GroupBytes;

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private void PackRow(byte* source, int group, int r)
    {
        byte* dst = Group(group);
        int blockBytes = PackedLayout.BlockBytes(Type);
        for (int b = 0; b < BlocksPerRow; b++, dst += blockBytes)
        {
            float* scales = (float*)dst;
            switch (Type)
            {
                case GgmlType.Q4_0:
                    // ggml's byte j already pairs column j (low) with column j + 16 (high): keep the bytes, interleave rows.
                    scales[r] = HalfTable.Read(source);
                    CopyNibbleBytes(source + 2, dst + PackedLayout.ScaleBytes + r * 4);
                    source += BlockLayout.Q4_0Bytes;
                    break;
                case GgmlType.Q4_1:
                    scales[r] = HalfTable.Read(source);
                    scales[PackedLayout.GroupRows + r] = HalfTable.Read(source + 2);
                    CopyNibbleBytes(source + 4, dst + PackedLayout.ScaleBytes + PackedLayout.MinBytes + r * 4);
                    source += BlockLayout.Q4_1Bytes;
                    break;
                case GgmlType.Q4_K:
                    PackQ4_KSubBlock(source + (nint)(b / 8) * BlockLayout.Q4_KBytes, b % 8, dst, r);
                    break;
                case GgmlType.Q6_K:
                    PackQ6_KBlock(source + (nint)(b / 8) * BlockLayout.Q6_KBytes, b % 8, dst, r);
                    break;
                default:
                    scales[r] = HalfTable.Read(source);
                    byte* quants = dst + PackedLayout.ScaleBytes + r * 4;
                    byte* qs = source + 2;
                    for (int q = 0; q < 8; q++)
                    {
                        for (int j = 0; j < 4; j++) quants[q * 64 + j] = (byte)(qs[4 * q + j] ^ 0x80);
                    }

                    source += BlockLayout.Q8_0Bytes;
                    break;
            }
        }
    }

    /// <summary>Q4_0 / Q4_1 nibble bytes (byte j: column j low, column j + 16 high) into one row's slots of the chunks.</summary>
    private static void CopyNibbleBytes(byte* qs, byte* quants)
    {
        for (int c = 0; c < 4; c++)
        {
            for (int j = 0; j < 4; j++) quants[c * 64 + j] = qs[4 * c + j];
        }
    }

    /// <summary>
    /// Sub-block <paramref name="sub"/> (32 values) of a Q4_K super-block as one affine block: ggml keeps sub-blocks
    /// 2i and 2i + 1 in the low and high nibbles of the same 32 bytes, so the values are re-paired into Q4_0's order.
    /// </summary>
    private static void PackQ4_KSubBlock(byte* super, int sub, byte* dst, int r)
    {
        float d = HalfTable.Read(super);
        float dmin = HalfTable.Read(super + 2);
        K4ScaleMin.Get(sub, super + BlockLayout.Q4_KScalesOffset, out int scale, out int min);
        ((float*)dst)[r] = d * scale;
        ((float*)dst)[PackedLayout.GroupRows + r] = -(dmin * min);
        byte* qs = super + BlockLayout.Q4_KQsOffset + 32 * (sub / 2);
        int shift = sub % 2 == 0 ? 0 : 4;
        byte* quants = dst + PackedLayout.ScaleBytes + PackedLayout.MinBytes + r * 4;
        for (int c = 0; c < 4; c++)
        {
            for (int j = 0; j < 4; j++)
            {
                int low = (qs[4 * c + j] >> shift) & 0x0F;
                int high = (qs[16 + 4 * c + j] >> shift) & 0x0F;
                quants[c * 64 + j] = (byte)(low | (high << 4));
            }
        }
    }

    /// <summary>
    /// Values 32k..32k+31 of a Q6_K super-block (ggml's dequantize_row_q6_K order: each 128-value half holds four runs
    /// of 32 that share ql/qh bytes at different shifts), as signed q - 32 in Q8_0's chunk order, with the scales of
    /// their two 16-value sub-blocks.
    /// </summary>
    private static void PackQ6_KBlock(byte* super, int k, byte* dst, int r)
    {
        float d = HalfTable.Read(super + BlockLayout.Q6_KDOffset);
        int half = k / 4, run = k % 4;
        byte* ql = super + 64 * half + (run % 2 == 1 ? 32 : 0);
        byte* qh = super + BlockLayout.Q6_KQhOffset + 32 * half;
        sbyte* sc = (sbyte*)(super + BlockLayout.Q6_KScalesOffset) + 8 * half + 2 * run;
        int lowShift = run < 2 ? 0 : 4;
        int highShift = 2 * run;
        ((float*)dst)[r] = d * sc[0];
        ((float*)dst)[PackedLayout.GroupRows + r] = d * sc[1];
        byte* quants = dst + 2 * PackedLayout.ScaleBytes + r * 4;
        for (int l = 0; l < 32; l++)
        {
            int q = ((ql[l] >> lowShift) & 0x0F) | (((qh[l] >> highShift) & 3) << 4);
            quants[(l / 4) * 64 + (l % 4)] = (byte)(q - 32 + PackedLayout.Q8_0Offset);
        }
    }

    private void Free()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }
}
