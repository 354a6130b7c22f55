namespace Gateway.Kernels;

/// <summary>
/// Q4_K packs eight 6-bit scales and eight 6-bit mins into 12 bytes: sub-blocks 0-3 use the low 6 bits of bytes
/// 0-3 (scales) and 4-7 (mins); sub-blocks 4-7 take their low 4 bits from bytes 8-11 and their top 2 bits from the
/// spare top bits of bytes 0-7 (ggml's get_scale_min_k4).
/// </summary>
internal static unsafe class K4ScaleMin
{
    public static void Get(int j, byte* q, out int scale, out int min)
    {
        if (j < 4)
        {
            scale = q[j] & 63;
            min = q[j + 4] & 63;
        }
        else
        {
            scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
            min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
        }
    }

    public static void Set(int j, Span<byte> q, int scale, int min)
    {
        if (j < 4)
        {
            q[j] = (byte)scale;
            q[j + 4] = (byte)min;
        }
        else
        {
            q[j + 4] = (byte)((scale & 0xF) | ((min & 0xF) << 4));
            q[j - 4] |= (byte)((scale >> 4) << 6);
            q[j] |= (byte)((min >> 4) << 6);
        }
    }
}
