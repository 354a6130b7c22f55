namespace SpikeReplay.Arrivals;

/// <summary>Marsaglia–Tsang gamma sampling (unit scale), with the standard boost for shapes below one.</summary>
internal static class GammaSampler
{
    public static double Sample(Random random, double shape)
    {
        if (shape < 1.0)
        {
            // Gamma(k) = Gamma(k + 1) * U^(1/k); the squeeze method below only holds for k >= 1.
            var boosted = Sample(random, shape + 1.0);
            var u = 1.0 - random.NextDouble();
            return boosted * Math.Pow(u, 1.0 / shape);
        }

        var d = shape - 1.0 / 3.0;
        var c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x;
            double v;
            do
            {
                x = StandardNormal.Sample(random);
                v = 1.0 + c * x;
            }
            while (v <= 0.0);

            v = v * v * v;
            var uniform = 1.0 - random.NextDouble();
            var xSquared = x * x;
            if (uniform < 1.0 - 0.0331 * xSquared * xSquared)
            {
                return d * v;
            }

            if (Math.Log(uniform) < 0.5 * xSquared + d * (1.0 - v + Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
