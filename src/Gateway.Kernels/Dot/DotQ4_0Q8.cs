namespace Gateway.Kernels;

/// <summary>
/// Q4_0 weight row x int8 activation row. The nibbles are unsigned 0..15, so they feed u8 x s8 multiply-add
/// directly; their -8 offset is folded in per block as -8 * (sum of the activation quants), exactly, in int32.
/// </summary>
internal static unsafe class DotQ4_0Q8
{
    /// <summary>The reference: ggml's vec_dot_q4_0_q8_0 arithmetic, one block at a time.</summary>
    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q4_0Bytes, xq += BlockLayout.Qk)
        {
            byte* qs = w + 2;
            int isum = 0;
            for (int j = 0; j < 16; j++)
            {
                isum += ((qs[j] & 0x0F) - 8) * xq[j] + ((qs[j] >> 4) - 8) * xq[j + 16];
            }

            sum += HalfTable.Read(w) * xd[b] * isum;
        }

        return sum;
    }
}
