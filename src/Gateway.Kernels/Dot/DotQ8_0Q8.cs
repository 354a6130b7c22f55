namespace Gateway.Kernels;

/// <summary>
/// Q8_0 weight row x int8 activation row: the scalar reference, the oracle the SIMD kernels (DotBatch4) are tested
/// against.
/// </summary>
internal static unsafe class DotQ8_0Q8
{
    public static float Scalar(byte* w, sbyte* xq, float* xd, int* xs, float* xsd, int blocks)
    {
        float sum = 0;
        for (int b = 0; b < blocks; b++, w += BlockLayout.Q8_0Bytes, xq += BlockLayout.Qk)
        {
            sbyte* qs = (sbyte*)(w + 2);
            int isum = 0;
            for (int j = 0; j < BlockLayout.Qk; j++)
            {
                isum += qs[j] * xq[j];
            }

            sum += HalfTable.Read(w) * xd[b] * isum;
        }

        return sum;
    }
}
