using Gateway.Engine.Onnx.Export;

namespace Gateway.Engine.Onnx.Tests;

/// <summary>
/// Exports each shared GGUF once per test run into a temporary folder (a few hundred milliseconds for the tiny
/// models), so every test reads the same folders and nothing large is committed.
/// </summary>
internal static class ExportedModels
{
    private static readonly Dictionary<(string, ExportPrecision), Lazy<string>> Folders = [];
    private static readonly string Root = TestScratch.Path("onnx");

    public static string Stories(ExportPrecision precision) => Get("stories260K.gguf", precision);

    public static string Get(string sharedGguf, ExportPrecision precision) => Get(TestModels.Path(sharedGguf), Path.GetFileNameWithoutExtension(sharedGguf), precision);

    public static string Get(string ggufPath, string name, ExportPrecision precision)
    {
        Lazy<string> folder;
        lock (Folders)
        {
            if (!Folders.TryGetValue((ggufPath, precision), out folder!))
            {
                folder = new Lazy<string>(() =>
                {
                    var dir = Path.Combine(Root, $"{name}-{precision}".ToLowerInvariant());
                    OnnxExporter.Export(ggufPath, dir, precision);
                    return dir;
                });
                Folders[(ggufPath, precision)] = folder;
            }
        }

        return folder.Value;
    }

    /// <summary>A fresh copy of an exported folder that a test may damage.</summary>
    public static string CopyOf(string folder)
    {
        var copy = Path.Combine(Root, "copies", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(folder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }
}
