using System.Diagnostics;
using System.Security.Cryptography;

namespace Gateway.Models;

/// <summary>
/// Downloads a model file with a progress bar on stderr, hashing while it streams, and only renames it into place once
/// the SHA-256 matches, so an interrupted or tampered download never looks like a model.
/// </summary>
internal sealed class ModelDownloader(HttpClient http, TextWriter progressOutput)
{
    public async Task DownloadAsync(Uri url, string destination, string expectedSha256, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        var partial = destination + ".download";
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var input = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
        await using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            var buffer = new byte[1 << 16];
            long received = 0;
            var clock = Stopwatch.StartNew();
            var lastDraw = TimeSpan.MinValue;
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                sha.AppendData(buffer, 0, read);
                received += read;
                if (clock.Elapsed - lastDraw > TimeSpan.FromMilliseconds(100))
                {
                    lastDraw = clock.Elapsed;
                    DrawProgress(received, total, clock.Elapsed);
                }
            }

            DrawProgress(received, total, clock.Elapsed);
            progressOutput.WriteLine();
        }

        var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new InvalidOperationException($"checksum mismatch for {url}: expected SHA-256 {expectedSha256}, got {actual}; the file was deleted");
        }

        File.Move(partial, destination, overwrite: true);
    }

    private void DrawProgress(long received, long? total, TimeSpan elapsed)
    {
        const int width = 30;
        var rate = received / Math.Max(elapsed.TotalSeconds, 1e-3) / (1 << 20);
        if (total is > 0)
        {
            var fraction = Math.Min(1.0, (double)received / total.Value);
            var filled = (int)(fraction * width);
            progressOutput.Write($"\r  [{new string('#', filled)}{new string('.', width - filled)}] {fraction,4:P0} {received / 1048576.0:F1}/{total.Value / 1048576.0:F1} MiB {rate:F1} MiB/s");
        }
        else
        {
            progressOutput.Write($"\r  {received / 1048576.0:F1} MiB {rate:F1} MiB/s");
        }
    }
}
