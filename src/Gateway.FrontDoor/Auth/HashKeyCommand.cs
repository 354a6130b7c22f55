namespace Gateway.FrontDoor.Auth;

/// <summary>
/// The <c>gateway hash-key</c> verb: prints the hash to store for a key. The key comes from the argument or, better,
/// from stdin so it stays out of shell history.
/// </summary>
public static class HashKeyCommand
{
    /// <summary>Returns the process exit code: 0 on success, 2 when no key was given.</summary>
    public static int Run(IReadOnlyList<string> args, TextReader input, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var key = args.Count > 0 ? args[0] : input.ReadLine();
        key = key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            error.WriteLine("usage: gateway hash-key <key>   (or pipe the key on stdin)");
            return 2;
        }

        output.WriteLine(ApiKeyHasher.HashToHex(key));
        return 0;
    }
}
