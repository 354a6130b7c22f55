using System.Diagnostics;
using System.Net.Sockets;

namespace Gateway.Engine.Onnx.Tests.Hosting;

/// <summary>The built gateway executable as a process on a free 127.0.0.1 port, as a user starts it.</summary>
internal sealed class GatewayServer : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private GatewayServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
        process.OutputDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (_log) { _log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    public static string AssemblyPath => Path.Combine(AppContext.BaseDirectory, "gateway.dll");

    public static async Task<GatewayServer> StartAsync(string model)
    {
        var port = FreePort();
        var start = Start("--model", model, "--urls", $"http://127.0.0.1:{port}", "--Model:Threads=2");
        var server = new GatewayServer(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.Address };
        for (var i = 0; i < 600 && !server._process.HasExited; i++)
        {
            try
            {
                if ((await http.GetAsync(new Uri("/readyz", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(100);
        }

        string log;
        lock (server._log)
        {
            log = server._log.ToString();
        }

        server.Dispose();
        throw new InvalidOperationException($"gateway did not become ready:\n{log}");
    }

    /// <summary>Runs the gateway to its exit (a start-up failure); returns the exit code and stderr.</summary>
    public static (int ExitCode, string StdErr) RunToExit(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"gateway {string.Join(' ', args)} did not exit");
        }

        return (process.ExitCode, stderr.Result);
    }

    private static ProcessStartInfo Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(AssemblyPath);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
