using Gateway.Gguf;
using Gateway.Inference;
using Microsoft.ML.OnnxRuntime;

namespace Gateway.Engine.Onnx.Runtime;

/// <summary>Opens the decoder in ONNX Runtime on the configured execution provider, turning every failure into one line.</summary>
internal static class OnnxSessionFactory
{
    public static InferenceSession Open(GenAiModelConfig config, OnnxRunnerOptions options, int threads)
    {
        using var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        };
        if (options.ExecutionProvider == "cuda")
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
            }
            catch (Exception ex) when (ex is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                throw new ModelLoadException(config.Directory,
                    "execution provider 'cuda' is not available here (this build ships ONNX Runtime for CPU; CUDA needs " +
                    "Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0, a CUDA 12 runtime and a GPU): set Onnx:ExecutionProvider=cpu " +
                    $"({FirstLine(ex.Message)})", ex);
            }
        }

        try
        {
            return new InferenceSession(config.DecoderPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(config.DecoderPath, $"ONNX Runtime cannot load the decoder: {FirstLine(ex.Message)}", ex);
        }
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length > 400 ? line[..400] + "..." : line;
    }
}
