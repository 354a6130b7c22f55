using Gateway.Engine.Onnx.Runtime;

namespace Gateway.Engine.Onnx.Tests;

public sealed class OnnxModelLoadOptionsTests
{
    [Fact]
    public void Unset_threads_mean_one_per_logical_processor_not_onnx_runtimes_physical_core_count()
    {
        Assert.Equal(Environment.ProcessorCount, new OnnxModelLoadOptions().EffectiveThreads);
        Assert.Equal(Environment.ProcessorCount, new OnnxModelLoadOptions { Threads = 0 }.EffectiveThreads);
    }

    [Fact]
    public void Configured_threads_are_kept()
    {
        Assert.Equal(3, new OnnxModelLoadOptions { Threads = 3 }.EffectiveThreads);
    }
}
