using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Gateway.Kernels;

namespace Gateway.Engine.Onnx.Export;

/// <summary>
/// Packs a matrix into com.microsoft MatMulNBits' 4-bit layout: B uint8 [N, ceil(K/32), 16] holding element 2i in the
/// low nibble and 2i+1 in the high nibble of byte i, one float scale per block, implicit zero point 8. GGUF Q4_0
/// stores the same numbers (a scale and nibbles q with value (q - 8) * scale) with elements j and j + 16 sharing a
/// byte, so Q4_0 only needs its nibbles reordered; any other type is expanded and quantized with ggml's Q4_0 rounding.
/// </summary>
internal static class MatMulNBitsPacker
{
    public const int BlockSize = 32;

    private static readonly int Q4_0BlockBytes = GgmlTypeTraits.BlockBytes(GgmlType.Q4_0);

    public static (byte[] Packed, byte[] Scales) Pack(GgufMatrix m)
    {
        var blocks = (m.Columns + BlockSize - 1) / BlockSize;
        var packed = new byte[(long)m.Rows * blocks * 16];
        var scales = new byte[(long)m.Rows * blocks * 4];
        var scaleValues = MemoryMarshal.Cast<byte, float>(scales.AsSpan());
        if (m.Type == GgmlType.Q4_0)
        {
            Repack(m.Encoded!, m.Rows * blocks, packed, scaleValues);
            return (packed, scales);
        }

        var source = m.ToFloats();
        var row = new float[blocks * BlockSize];
        var q4 = new byte[blocks * Q4_0BlockBytes];
        for (var r = 0; r < m.Rows; r++)
        {
            // A row shorter than whole blocks is zero-filled: zeros quantize to the zero point and add nothing.
            source.AsSpan(r * m.Columns, m.Columns).CopyTo(row);
            Quantizer.QuantizeRow(GgmlType.Q4_0, row, q4);
            Repack(q4, blocks, packed.AsSpan(r * blocks * 16), scaleValues.Slice(r * blocks));
        }

        return (packed, scales);
    }

    private static void Repack(ReadOnlySpan<byte> q4_0, int blockCount, Span<byte> packed, Span<float> scales)
    {
        for (var b = 0; b < blockCount; b++)
        {
            var block = q4_0.Slice(b * Q4_0BlockBytes, Q4_0BlockBytes);
            scales[b] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(block));
            var qs = block[2..];
            var dst = packed.Slice(b * 16, 16);
            for (var i = 0; i < 16; i++)
            {
                dst[i] = (byte)(Nibble(qs, 2 * i) | (Nibble(qs, (2 * i) + 1) << 4));
            }
        }
    }

    /// <summary>Q4_0 element j: low nibble of byte j for the first half of the block, high nibble of byte j - 16 after.</summary>
    private static int Nibble(ReadOnlySpan<byte> qs, int j) => j < 16 ? qs[j] & 0x0F : qs[j - 16] >> 4;
}
