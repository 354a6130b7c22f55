namespace Gateway.Engine.Gguf.Llama;

/// <summary>Precomputed RoPE rotations for every position up to the context length, applied in place to heads.</summary>
internal sealed class RotaryEmbedding
{
    private readonly float[] _cos;
    private readonly float[] _sin;
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
        for (var pos = 0; pos < contextLength; pos++)
        {
            for (var i = 0; i < _pairs; i++)
            {
                // Double precision here keeps long positions accurate; the table is built once.
                var theta = pos * positionScale * Math.Pow(freqBase, -2.0 * i / (2 * _pairs));
                _cos[(pos * _pairs) + i] = (float)Math.Cos(theta);
                _sin[(pos * _pairs) + i] = (float)Math.Sin(theta);
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
                for (var i = 0; i < _pairs; i++)
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
