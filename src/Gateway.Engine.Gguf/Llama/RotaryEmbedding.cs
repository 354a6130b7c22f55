using System.Runtime.Intrinsics;

namespace Gateway.Engine.Gguf.Llama;

/// <summary>Precomputed RoPE rotations for every position up to the context length, applied in place to heads.</summary>
internal sealed class RotaryEmbedding
{
    private readonly float[] _cos;
    private readonly float[] _sin;

    // Interleaved style, per position: cos duplicated per pair (c0, c0, c1, c1, ...) and sin with the pair's signs
    // (-s0, s0, -s1, s1, ...), so a head rotates as x * cos + swapPairs(x) * sin, 16 lanes at a time. Each lane does
    // the scalar arithmetic (one product each, then one add), so both paths give the same bits.
    private readonly float[] _cosPairs;
    private readonly float[] _sinPairs;
    private readonly int _pairs;
    private readonly int _headDim;
    private readonly RopeStyle _style;

    public RotaryEmbedding(int contextLength, int headDim, int ropeDimensions, float freqBase, float positionScale, RopeStyle style)
    {
        _headDim = headDim;
        _pairs = Math.Min(ropeDimensions, headDim) / 2;
        _style = style;
        _cos = new float[contextLength * _pairs];
        _sin = new float[contextLength * _pairs];
        _cosPairs = new float[contextLength * 2 * _pairs];
        _sinPairs = new float[contextLength * 2 * _pairs];
        for (var pos = 0; pos < contextLength; pos++)
        {
            for (var i = 0; i < _pairs; i++)
            {
                // Double precision here keeps long positions accurate; the table is built once.
                var theta = pos * positionScale * Math.Pow(freqBase, -2.0 * i / (2 * _pairs));
                var c = (float)Math.Cos(theta);
                var sn = (float)Math.Sin(theta);
                _cos[(pos * _pairs) + i] = c;
                _sin[(pos * _pairs) + i] = sn;
                _cosPairs[(2 * pos * _pairs) + (2 * i)] = c;
                _cosPairs[(2 * pos * _pairs) + (2 * i) + 1] = c;
                _sinPairs[(2 * pos * _pairs) + (2 * i)] = -sn;
                _sinPairs[(2 * pos * _pairs) + (2 * i) + 1] = sn;
            }
        }
    }

    /// <summary>Rotates each of the <c>heads.Length / headDim</c> heads for token position <paramref name="position"/>.</summary>
    public void Apply(Span<float> heads, int position)
    {
        var cos = _cos.AsSpan(position * _pairs, _pairs);
        var sin = _sin.AsSpan(position * _pairs, _pairs);
        for (var h = 0; h < heads.Length; h += _headDim)
        {
            var head = heads.Slice(h, _headDim);
            if (_style == RopeStyle.Interleaved)
            {
                var i0 = 0;
                if (Vector512.IsHardwareAccelerated)
                {
                    var cosPairs = _cosPairs.AsSpan(2 * position * _pairs, 2 * _pairs);
                    var sinPairs = _sinPairs.AsSpan(2 * position * _pairs, 2 * _pairs);
                    var swap = Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
                    for (; (2 * i0) + 16 <= 2 * _pairs; i0 += 8)
                    {
                        var x = Vector512.Create<float>(head.Slice(2 * i0, 16));
                        var rotated = (x * Vector512.Create<float>(cosPairs.Slice(2 * i0, 16))) +
                                      (Vector512.Shuffle(x, swap) * Vector512.Create<float>(sinPairs.Slice(2 * i0, 16)));
                        rotated.CopyTo(head.Slice(2 * i0, 16));
                    }
                }

                for (var i = i0; i < _pairs; i++)
                {
                    var a = head[2 * i];
                    var b = head[(2 * i) + 1];
                    head[2 * i] = (a * cos[i]) - (b * sin[i]);
                    head[(2 * i) + 1] = (a * sin[i]) + (b * cos[i]);
                }
            }
            else
            {
                var half = _pairs;
                for (var i = 0; i < _pairs; i++)
                {
                    var a = head[i];
                    var b = head[i + half];
                    head[i] = (a * cos[i]) - (b * sin[i]);
                    head[i + half] = (a * sin[i]) + (b * cos[i]);
                }
            }
        }
    }
}
