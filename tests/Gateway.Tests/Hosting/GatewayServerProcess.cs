using System.Diagnostics;
using System.Net.Sockets;

namespace Gateway.Tests.Hosting;

/// <summary>The gateway started as its own process on a free 127.0.0.1 port, exactly as the README runs it.</summary>
internal sealed class GatewayServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();
    private bool _disposed;

    private GatewayServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public string Log { get { lock (_log) { return _log.ToString(); } } }

    /// <summary>Starts the gateway on stories260K unless the arguments name a model themselves.</summary>
    public static Task<GatewayServerProcess> StartAsync(params string[] extraArgs) =>
        StartAsync(null, extraArgs.Contains("--model") ? extraArgs : ["--model", TestModels.Path("stories260K.gguf"), .. extraArgs]);

    /// <summary>
    /// Starts the gateway as a new user would: no <c>--model</c>, no model variable, the working directory and HOME set
    /// to the given (empty) folders.
    /// </summary>
    public static Task<GatewayServerProcess> StartWithoutConfigurationAsync(string workingDirectory, string home) =>
        StartAsync(start =>
        {
            start.WorkingDirectory = workingDirectory;
            start.Environment["HOME"] = home;
            start.Environment.Remove("GATEWAY_MODEL");
            start.Environment.Remove("Model__Path");
        }, []);

    private static async Task<GatewayServerProcess> StartAsync(Action<ProcessStartInfo>? configure, string[] args)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { GatewayProcess.AssemblyPath, "--urls", $"http://127.0.0.1:{port}" }.Concat(args))
        {
            start.ArgumentList.Add(a);
        }

        configure?.Invoke(start);

        var server = new GatewayServerProcess(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        // Up to a minute: with other test processes busy on both cores, start-up and warm-up once took more than 30 s.
        for (var i = 0; i < 600; i++)
        {
            try
            {
                if ((await http.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (server._process.HasExited)
            {
                break;
            }

            await Task.Delay(100);
        }

        server.Dispose();
        throw new InvalidOperationException($"gateway did not become ready:\n{server.Log}");
    }

    /// <summary>What Kubernetes sends on pod deletion.</summary>
    public void SendSigterm() => Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
