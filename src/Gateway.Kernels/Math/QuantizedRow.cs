namespace Gateway.Kernels;

/// <summary>
/// Pointers to one activation row in int8 form: <c>Quants</c> (Cols signed bytes), and per block of 32 the float
/// <c>Scales</c>, the integer <c>Sums</c> of the quants and <c>ScaledSums</c> (= scale * sum, what weight offsets and
/// minimums multiply).
/// </summary>
internal readonly unsafe struct QuantizedRow(sbyte* quants, float* scales, int* sums, float* scaledSums)
{
    public readonly sbyte* Quants = quants;
    public readonly float* Scales = scales;
    public readonly int* Sums = sums;
    public readonly float* ScaledSums = scaledSums;
}
