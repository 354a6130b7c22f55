using System.CommandLine;

namespace Gateway.Cli;

/// <summary>
/// <c>gateway hash-key [KEY]</c>: print the SHA-256 form of an API key, which is all configuration ever stores. Without
/// KEY the key is read from stdin, so it never lands in shell history.
/// </summary>
internal static class HashKeyCommand
{
    public static Command Create()
    {
        var key = new Argument<string?>("key") { Description = "The API key clients will send as 'Authorization: Bearer KEY' (default: read stdin).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("hash-key", "Print the SHA-256 hash of an API key for FrontDoor:Auth:Keys.") { key };
        command.SetAction(parse =>
        {
            var given = parse.GetValue(key);
            return FrontDoor.Auth.HashKeyCommand.Run(given is null ? [] : [given], Console.In, Console.Out, Console.Error);
        });
        return command;
    }
}
