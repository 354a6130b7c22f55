using Gateway.Engine.Gguf;

namespace Gateway.Hosting;

/// <summary>Builds the runner's options from the <c>Model</c> and <c>Serving</c> configuration sections.</summary>
internal static class EngineOptions
{
    public static ModelRunnerOptions From(IConfiguration configuration)
    {
        var options = new ModelRunnerOptions();
        configuration.GetSection("Serving").Bind(options);
        options.Threads = configuration.GetValue("Model:Threads", options.Threads);
        options.ModelName = configuration.GetValue<string?>("Model:Name");
        options.ContextLength = configuration.GetValue("Model:ContextLength", options.ContextLength);
        return options;
    }
}
