using Gateway.Serving.Diagnostics;
using Gateway.Serving.Tests.TestDoubles;

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
    public void Repeated_measurements_move_the_average_toward_the_latest()
    {
        var model = new StepCostModel();
        model.Record(8, 0.100);
        for (var i = 0; i < 50; i++)
        {
            model.Record(8, 0.010);
        }

        Assert.Equal(0.010, model.StepSeconds(8), 4);
    }

    [Fact]
    public void A_size_measured_long_ago_gives_way_to_fresh_measurements()
    {
        var clock = new ManualClock();
        var model = new StepCostModel(clock);
        model.Record(16, 0.500); // say, at warm-up on a busier machine
        clock.Advance(StepCostModel.FreshFor.TotalSeconds + 1);
        model.Record(64, 0.080);

        Assert.Equal(0.080, model.StepSeconds(16), 12);  // flat below the smallest fresh size
        Assert.Equal(0.160, model.StepSeconds(128), 12);
    }

    [Fact]
    public void With_nothing_fresh_the_last_measurements_still_count()
    {
        var clock = new ManualClock();
        var model = new StepCostModel(clock);
        model.Record(16, 0.040);
        clock.Advance(StepCostModel.FreshFor.TotalSeconds * 10);

        Assert.Equal(0.040, model.StepSeconds(16), 12);
    }
}
