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

    [Fact]
    public void One_stalled_step_moves_predictions_by_at_most_a_quarter()
    {
        var model = new StepCostModel();
        for (var i = 0; i < 20; i++)
        {
            model.Record(16, 0.015);
            model.Record(300, 0.150);
        }

        model.Record(16, 2.0); // a 15 ms step stalled for two seconds

        Assert.InRange(model.StepSeconds(16), 0.015, 0.015 * 1.25 * 1.05);
        Assert.InRange(model.StepSeconds(300), 0.150, 0.150 * 1.25 * 1.01);
        for (var i = 0; i < 10; i++)
        {
            model.Record(16, 0.015);
        }

        Assert.Equal(0.015, model.StepSeconds(16), 3);
    }

    [Fact]
    public void A_size_first_met_in_a_stall_is_predicted_right_within_a_few_of_its_steps()
    {
        var model = new StepCostModel();
        for (var i = 0; i < 20; i++)
        {
            model.Record(16, 0.015);
        }

        model.Record(256, 1.0); // the first 256-token step ever, stalled: it really takes 0.12 s

        for (var i = 0; i < 10; i++)
        {
            model.Record(16, 0.015);
            model.Record(256, 0.12);
        }

        Assert.InRange(model.StepSeconds(256), 0.12 * 0.95, 0.12 * 1.25);
        Assert.InRange(model.StepSeconds(16), 0.015 * 0.95, 0.015 * 1.1);
    }

    [Fact]
    public void A_lasting_slowdown_comes_through_within_a_few_steps()
    {
        var model = new StepCostModel();
        model.Record(16, 0.015);
        for (var i = 0; i < 8; i++)
        {
            model.Record(16, 0.060); // the machine now four times slower
        }

        Assert.InRange(model.StepSeconds(16), 0.045, 0.065);
    }
}
