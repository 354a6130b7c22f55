using Gateway.Serving.Diagnostics;

namespace Gateway.Serving.Tests.Diagnostics;

/// <summary>Step time by step size: measured sizes exactly, others interpolated or extrapolated on the pessimistic side.</summary>
public sealed class StepCostModelTests
{
    [Fact]
    public void Without_measurements_it_has_no_data()
    {
        var model = new StepCostModel();

        Assert.False(model.HasData);
        Assert.Equal(0, model.StepSeconds(16));
    }

    [Fact]
    public void Measured_sizes_are_returned_and_sizes_between_them_interpolated()
    {
        var model = new StepCostModel();
        model.Record(4, 0.020);
        model.Record(64, 0.080);

        Assert.True(model.HasData);
        Assert.Equal(0.020, model.StepSeconds(4), 12);
        Assert.Equal(0.080, model.StepSeconds(64), 12);
        Assert.Equal(0.050, model.StepSeconds(34), 12);
    }

    [Fact]
    public void Beyond_the_largest_size_it_grows_with_the_tokens_and_below_the_smallest_it_stays_flat()
    {
        var model = new StepCostModel();
        model.Record(16, 0.040);

        Assert.Equal(0.160, model.StepSeconds(64), 12);
        Assert.Equal(0.040, model.StepSeconds(1), 12);
    }

    [Fact]
    public void Repeated_measurements_at_one_size_converge_on_it()
    {
        var model = new StepCostModel();
        model.Record(8, 0.100);
        for (var i = 0; i < 200; i++)
        {
            model.Record(8, 0.010);
        }

        Assert.Equal(0.010, model.StepSeconds(8), 4);
    }

    [Fact]
    public void A_slowdown_measured_at_one_size_carries_over_to_sizes_not_run_lately()
    {
        var model = new StepCostModel();
        model.Record(16, 0.040); // the warm-up's shape: 64 tokens cost twice what 16 do
        model.Record(64, 0.080);
        Assert.Equal(0.080, model.StepSeconds(64), 12);

        for (var i = 0; i < 100; i++)
        {
            model.Record(16, 0.080); // then only 16-token steps, on a machine now twice as slow
        }

        Assert.Equal(0.080, model.StepSeconds(16), 3);
        Assert.InRange(model.StepSeconds(64), 0.14, 0.18);
    }
}
