using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Gateway.Kernels;

/// <summary>
/// How an attention kernel widens the fp16 KV cache it reads, as a type, so one kernel body compiles once per form
/// (as with <see cref="ITokenCount"/>): every bit pattern (<see cref="AnyHalves"/>), or only finite ones
/// (<see cref="FiniteHalves"/>), which takes four vector operations instead of seven. Decode attention widens every
/// cached key and value of every sequence each step, so those three operations were a few percent of a batch-16 step.
/// </summary>
internal interface IHalfWidening
{
    static abstract Vector512<float> Widen(Vector256<ushort> half);
}

/// <summary>Exact for every fp16 bit pattern (<see cref="VectorOps.HalfToSingle"/>).</summary>
internal readonly struct AnyHalves : IHalfWidening
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector256<ushort> half) => VectorOps.HalfToSingle(half);
}

/// <summary>Exact for finite halves only (<see cref="VectorOps.FiniteHalfToSingle"/>): for a cache known to hold no Inf or NaN.</summary>
internal readonly struct FiniteHalves : IHalfWidening
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Widen(Vector256<ushort> half) => VectorOps.FiniteHalfToSingle(half);
}
