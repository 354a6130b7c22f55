using System.Diagnostics.Metrics;

namespace Gateway.Observability.Tests.Metrics;

public sealed class RecordingPathTests
{
    private static readonly KeyValuePair<string, object?> Model = new("model", "m");
    private static readonly KeyValuePair<string, object?> Tenant = new("tenant", "t");

    [Fact]
    public void Recording_into_existing_series_allocates_nothing()
    {
        using var fixture = new ExporterFixture();
        var counter = fixture.Meter.CreateCounter<long>("tokens");
        var histogram = fixture.Meter.CreateHistogram<double>("latency", "s");
        var gauge = fixture.Meter.CreateUpDownCounter<int>("running");
        RecordAll(counter, histogram, gauge, 1);

        var before = GC.GetAllocatedBytesForCurrentThread();
        RecordAll(counter, histogram, gauge, 1000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.Contains("tokens_total{model=\"m\",tenant=\"t\"} 1001\n", fixture.Scrape(), StringComparison.Ordinal);
    }

    [Fact]
    public void Instruments_of_equal_name_in_two_meter_instances_share_one_family()
    {
        using var fixture = new ExporterFixture();
        using var second = new Meter(fixture.MeterName);
        fixture.Meter.CreateCounter<long>("hits").Add(2, Model);
        second.CreateCounter<long>("hits").Add(3, Model);

        var text = fixture.Scrape();
        Assert.Contains("hits_total{model=\"m\"} 5\n", text, StringComparison.Ordinal);
        Assert.Single(text.Split('\n'), line => line == "# TYPE hits_total counter");
    }

    [Fact]
    public void An_instrument_clashing_with_another_kind_under_the_same_name_is_not_exported()
    {
        using var fixture = new ExporterFixture();
        fixture.Meter.CreateHistogram<double>("depth").Record(1);
        fixture.Meter.CreateGauge<double>("depth").Record(99);

        var text = fixture.Scrape();
        Assert.Contains("# TYPE depth histogram\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" 99\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Tag_keys_that_sanitize_to_one_label_name_do_not_repeat_the_label()
    {
        using var fixture = new ExporterFixture();
        fixture.Meter.CreateCounter<long>("dup").Add(1, new("a.b", "x"), new("a_b", "y"));

        var line = fixture.Scrape().Split('\n').Single(l => l.StartsWith("dup_total{", StringComparison.Ordinal));
        Assert.Equal(1, line.Split("a_b=").Length - 1);
    }

    [Fact]
    public void A_throwing_observable_callback_does_not_break_the_scrape()
    {
        using var fixture = new ExporterFixture();
        fixture.Meter.CreateObservableGauge("broken", new Func<double>(() => throw new InvalidOperationException("boom")));
        fixture.Meter.CreateObservableGauge("healthy", () => 1.5);

        Assert.Contains("healthy 1.5\n", fixture.Scrape(), StringComparison.Ordinal);
    }

    private static void RecordAll(Counter<long> counter, Histogram<double> histogram, UpDownCounter<int> gauge, int times)
    {
        for (var i = 0; i < times; i++)
        {
            counter.Add(1, Model, Tenant);
            histogram.Record(0.2, Tenant, Model);
            gauge.Add(1, Model);
        }
    }
}
