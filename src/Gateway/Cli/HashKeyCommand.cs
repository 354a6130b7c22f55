using System.CommandLine;
using Gateway.FrontDoor.Auth;

namespace Gateway.Cli;

/// <summary><c>gateway hash-key KEY</c>: print the SHA-256 form of an API key, which is all configuration ever stores.</summary>
internal static class HashKeyCommand
{
    public static Command Create()
    {
        var key = new Argument<string>("key") { Description = "The API key clients will send as 'Authorization: Bearer KEY'." };
        var command = new Command("hash-key", "Print the SHA-256 hash of an API key for FrontDoor:Auth:Keys.") { key };
        command.SetAction(parse =>
        {
            Console.WriteLine(ApiKeyHasher.HashToHex(parse.GetValue(key)!));
            return 0;
        });
        return command;
    }
}
