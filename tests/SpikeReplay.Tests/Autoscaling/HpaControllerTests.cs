using SpikeReplay.Autoscaling;

namespace SpikeReplay.Tests.Autoscaling;

/// <summary>The replay follows the Kubernetes HPA algorithm: proportional rule, tolerance, unready pods, policies, windows.</summary>
public sealed class HpaControllerTests
{
    private static readonly HpaSpec Prod = new(
        "test", MinReplicas: 3, MaxReplicas: 20, "gateway_demand_ratio", TargetAverageValue: 0.8, [],
        new HpaScalingRules(0, "Max", [new HpaPolicy("Percent", 100, 15), new HpaPolicy("Pods", 4, 15)]),
        new HpaScalingRules(300, "Min", [new HpaPolicy("Pods", 1, 60)]),
        Tolerance: 0.1, SyncPeriodSeconds: 15, ScrapeIntervalSeconds: 15);

    [Theory]
    [InlineData(0.85, 3)] // ratio 1.06: inside the 10 % tolerance
    [InlineData(0.73, 3)] // ratio 0.91: inside it too
    [InlineData(1.2, 5)]  // ceil(3 x 1.5) = 5
    [InlineData(1.6, 6)]  // ceil(3 x 2)
    public void Desired_is_ceil_of_pods_times_metric_over_target_outside_the_tolerance(double metric, int expected)
    {
        Assert.Equal(expected, new HpaController(Prod).MetricReplicas(3, 3, 0, metric));
    }

    [Fact]
    public void Unready_pods_count_as_idle_when_scaling_up()
    {
        var controller = new HpaController(Prod);
        // 3 ready pods at 1.6 (ratio 2) and 3 still starting: 1.6 x 3 / 6 / 0.8 = 1.0, within tolerance, keep 6.
        Assert.Equal(6, controller.MetricReplicas(6, 3, 3, 1.6));
        // At 3.2 the recomputed ratio is 2: ceil(2 x 6) = 12.
        Assert.Equal(12, controller.MetricReplicas(6, 3, 3, 3.2));
    }

    [Fact]
    public void Scale_up_is_limited_to_the_more_permissive_policy_per_period()
    {
        var controller = new HpaController(Prod);
        // Wants ceil(3 x 4) = 12; +100 % gives 6, +4 pods gives 7: Max picks 7.
        Assert.Equal(7, controller.Reconcile(0, 3, 3, 3.2));
        // 15 s later the first change has left the 15 s period: 7 -> +100 % = 14 (+4 = 11), Max picks 14.
        Assert.Equal(14, controller.Reconcile(15, 7, 7, 3.2));
        // And never beyond maxReplicas.
        Assert.Equal(20, controller.Reconcile(30, 14, 14, 3.2));
    }

    [Fact]
    public void A_change_inside_the_period_counts_against_the_policy()
    {
        var controller = new HpaController(Prod);
        Assert.Equal(7, controller.Reconcile(0, 3, 3, 3.2));
        // 5 s later the period still started at 3 pods: the limit is still 7.
        Assert.Equal(7, controller.Reconcile(5, 7, 7, 3.2));
    }

    [Fact]
    public void Scale_down_waits_for_the_stabilization_window_then_removes_one_pod_a_minute()
    {
        var controller = new HpaController(Prod);
        Assert.Equal(10, controller.Reconcile(0, 10, 10, 0.8 * 1.0)); // at target: stays
        // Demand falls to a tenth: the raw recommendation is 1 (bounded to 3), but the window remembers 10.
        for (var t = 15; t < 300; t += 15)
        {
            Assert.Equal(10, controller.Reconcile(t, 10, 10, 0.08));
        }

        // At 300 s the sample of t = 0 has left the window (strictly older than 300 s is out): down by one pod, then
        // one per 60 s, a removal counting for the whole 60 s after it.
        Assert.Equal(9, controller.Reconcile(300, 10, 10, 0.08));
        Assert.Equal(9, controller.Reconcile(315, 9, 9, 0.08));
        Assert.Equal(9, controller.Reconcile(345, 9, 9, 0.08));
        Assert.Equal(8, controller.Reconcile(360, 9, 9, 0.08));
    }

    [Fact]
    public void Replica_bounds_come_first()
    {
        var controller = new HpaController(Prod);
        Assert.Equal(3, controller.Reconcile(0, 1, 1, 0));
        Assert.Equal(20, controller.Reconcile(15, 25, 25, 5));
    }
}
