using System.Net;
using System.Text.Json;

namespace Gateway.FrontDoor.Tests.Infrastructure;

internal static class OpenAiErrorAssert
{
    /// <summary>Asserts the status and the OpenAI error envelope; returns the message.</summary>
    public static async Task<string> HasErrorAsync(HttpResponseMessage response, HttpStatusCode status, string type, string code)
    {
        Assert.Equal(status, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(type, error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error.GetProperty("message").GetString()!;
    }
}
