namespace SpikeReplay.Autoscaling;

/// <summary>
/// The Kubernetes HorizontalPodAutoscaler controller's decision for one HPA with one Pods metric (AverageValue
/// target), transcribed from kube-controller-manager's podautoscaler package (horizontal.go, replica_calculator.go):
/// <list type="number">
/// <item>replica bounds first: below minReplicas scale to min, above maxReplicas to max;</item>
/// <item>usage ratio = average metric of the pods that report it / target; within tolerance, keep the count;
///   otherwise ceil(ratio × pods reporting); when scaling up with unready pods, those count as 0 and the ratio is
///   recomputed (no change if that flips the direction or lands within tolerance);</item>
/// <item>stabilization: the recommendation is clamped between the lowest raw recommendation of the scale-up window
///   and the highest of the scale-down window, current replicas in between;</item>
/// <item>rate limits: each policy allows, from the replica count at the start of its period (current minus the
///   changes made within it), +value pods or +value %; selectPolicy Max takes the most permissive, Min the least,
///   Disabled none; then maxReplicas / minReplicas bound the result.</item>
/// </list>
/// Time is in seconds on the replay's clock; the caller calls <see cref="Reconcile"/> once per sync period.
/// </summary>
internal sealed class HpaController(HpaSpec spec)
{
    private readonly List<(double At, int Replicas)> _recommendations = [];
    private readonly List<(double At, int Change)> _scaleUpEvents = [];
    private readonly List<(double At, int Change)> _scaleDownEvents = [];

    /// <summary>
    /// One sync. <paramref name="currentReplicas"/> is the scale target's replica count; <paramref name="readyPods"/>
    /// of them report <paramref name="averageMetric"/> on average, the rest are still starting (unready).
    /// Returns the replica count the HPA sets.
    /// </summary>
    public int Reconcile(double now, int currentReplicas, int readyPods, double averageMetric)
    {
        int desired;
        if (currentReplicas > spec.MaxReplicas)
        {
            desired = spec.MaxReplicas;
        }
        else if (currentReplicas < spec.MinReplicas)
        {
            desired = spec.MinReplicas;
        }
        else
        {
            var proposal = MetricReplicas(currentReplicas, readyPods, currentReplicas - readyPods, averageMetric);
            var stabilized = Stabilize(now, currentReplicas, proposal);
            desired = LimitRate(now, currentReplicas, stabilized);
        }

        if (desired > currentReplicas)
        {
            _scaleUpEvents.Add((now, desired - currentReplicas));
        }
        else if (desired < currentReplicas)
        {
            _scaleDownEvents.Add((now, currentReplicas - desired));
        }

        return desired;
    }

    /// <summary>
    /// replica_calculator.go calcPlainMetricReplicas, every pod that reports having the same value. Like the
    /// controller, it works in milli-units with integer averages, so 3.2 x 3 / 6 is exactly 1.6, not 1.6000000000000001.
    /// </summary>
    internal int MetricReplicas(int currentReplicas, int readyPods, int unreadyPods, double averageMetric)
    {
        if (readyPods <= 0)
        {
            return currentReplicas; // no metrics at all: the HPA reports an error and changes nothing
        }

        var podMilli = (long)Math.Ceiling(averageMetric * 1000); // resource.Quantity.MilliValue rounds up
        var targetMilli = (long)Math.Ceiling(spec.TargetAverageValue * 1000);
        var usageRatio = (double)podMilli / targetMilli;
        var scaleUpWithUnready = unreadyPods > 0 && usageRatio > 1.0;
        if (!scaleUpWithUnready)
        {
            if (Math.Abs(1.0 - usageRatio) <= spec.Tolerance)
            {
                return currentReplicas;
            }

            return (int)Math.Ceiling(usageRatio * readyPods);
        }

        // Unready pods are assumed to use nothing yet, so a scale-up does not count them twice.
        var total = readyPods + unreadyPods;
        var newUsageRatio = (double)(podMilli * readyPods / total) / targetMilli;
        if (Math.Abs(1.0 - newUsageRatio) <= spec.Tolerance || newUsageRatio < 1.0)
        {
            return currentReplicas;
        }

        var newReplicas = (int)Math.Ceiling(newUsageRatio * total);
        return newReplicas < currentReplicas ? currentReplicas : newReplicas;
    }

    /// <summary>horizontal.go stabilizeRecommendationWithBehaviors.</summary>
    private int Stabilize(double now, int currentReplicas, int proposal)
    {
        var upCutoff = now - spec.ScaleUp.StabilizationWindowSeconds;
        var downCutoff = now - spec.ScaleDown.StabilizationWindowSeconds;
        var upRecommendation = proposal;
        var downRecommendation = proposal;
        var oldSample = -1;
        for (var i = 0; i < _recommendations.Count; i++)
        {
            var (at, replicas) = _recommendations[i];
            if (at > upCutoff)
            {
                upRecommendation = Math.Min(upRecommendation, replicas);
            }

            if (at > downCutoff)
            {
                downRecommendation = Math.Max(downRecommendation, replicas);
            }

            if (at < upCutoff && at < downCutoff)
            {
                oldSample = i;
            }
        }

        var recommendation = Math.Max(currentReplicas, upRecommendation);
        recommendation = Math.Min(recommendation, downRecommendation);
        if (oldSample >= 0)
        {
            _recommendations[oldSample] = (now, proposal);
        }
        else
        {
            _recommendations.Add((now, proposal));
        }

        return recommendation;
    }

    /// <summary>horizontal.go convertDesiredReplicasWithBehaviorRate.</summary>
    private int LimitRate(double now, int currentReplicas, int desired)
    {
        if (desired > currentReplicas)
        {
            var limit = Math.Max(ScaleUpLimit(now, currentReplicas), currentReplicas);
            return Math.Min(desired, Math.Min(spec.MaxReplicas, limit));
        }

        if (desired < currentReplicas)
        {
            var limit = Math.Min(ScaleDownLimit(now, currentReplicas), currentReplicas);
            return Math.Max(desired, Math.Max(spec.MinReplicas, limit));
        }

        return desired;
    }

    private int ScaleUpLimit(double now, int currentReplicas)
    {
        var rules = spec.ScaleUp;
        if (rules.SelectPolicy == "Disabled")
        {
            return currentReplicas;
        }

        var useMin = rules.SelectPolicy == "Min";
        var result = useMin ? int.MaxValue : int.MinValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = currentReplicas - ChangeWithin(_scaleUpEvents, now, policy.PeriodSeconds)
                + ChangeWithin(_scaleDownEvents, now, policy.PeriodSeconds);
            var proposed = policy.Type == "Pods"
                ? periodStart + policy.Value
                : (int)Math.Ceiling(periodStart * (1 + policy.Value / 100.0));
            result = useMin ? Math.Min(result, proposed) : Math.Max(result, proposed);
        }

        return result;
    }

    private int ScaleDownLimit(double now, int currentReplicas)
    {
        var rules = spec.ScaleDown;
        if (rules.SelectPolicy == "Disabled")
        {
            return currentReplicas;
        }

        var useMin = rules.SelectPolicy == "Min";
        var result = useMin ? int.MinValue : int.MaxValue;
        foreach (var policy in rules.Policies)
        {
            var periodStart = currentReplicas - ChangeWithin(_scaleUpEvents, now, policy.PeriodSeconds)
                + ChangeWithin(_scaleDownEvents, now, policy.PeriodSeconds);
            var proposed = policy.Type == "Pods"
                ? periodStart - policy.Value
                : (int)(periodStart * (1 - policy.Value / 100.0));
            result = useMin ? Math.Max(result, proposed) : Math.Min(result, proposed);
        }

        return result;
    }

    private static int ChangeWithin(List<(double At, int Change)> events, double now, int periodSeconds)
    {
        var cutoff = now - periodSeconds;
        var sum = 0;
        foreach (var (at, change) in events)
        {
            if (at > cutoff)
            {
                sum += change;
            }
        }

        return sum;
    }
}
