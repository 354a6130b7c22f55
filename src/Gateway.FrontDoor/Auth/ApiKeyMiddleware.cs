using Gateway.FrontDoor.Configuration;
using Gateway.FrontDoor.Requests;
using Gateway.FrontDoor.Tenants;
using Gateway.OpenAi;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Gateway.FrontDoor.Auth;

/// <summary>Authenticates <c>Authorization: Bearer &lt;key&gt;</c> and attaches the tenant; 401 in OpenAI's shape otherwise.</summary>
internal sealed class ApiKeyMiddleware(
    RequestDelegate next, ApiKeyStore keys, InternalCallerKey internalCaller, TenantDirectory tenants, IOptionsMonitor<FrontDoorOptions> options)
{
    private const string InvalidApiKeyCode = "invalid_api_key";

    public Task InvokeAsync(HttpContext context)
    {
        var state = context.Features.GetRequiredFeature<FrontDoorRequestState>();
        var key = ReadBearerToken(context.Request.Headers[HeaderNames.Authorization].ToString());
        if (!key.IsEmpty && internalCaller.Matches(key))
        {
            // The gateway calling itself (start-up warm-up), with or without keys configured: its own tenant label.
            state.Policy = tenants.Resolve(InternalCallerKey.Tenant);
            return next(context);
        }

        if (!options.CurrentValue.Auth.Enabled)
        {
            state.Policy = tenants.Anonymous;
            return next(context);
        }

        if (key.IsEmpty)
        {
            return OpenAiErrorResults.WriteAsync(
                context, StatusCodes.Status401Unauthorized,
                "You didn't provide an API key. Send it as 'Authorization: Bearer <key>'.",
                OpenAiErrorTypes.InvalidRequest, code: InvalidApiKeyCode);
        }

        var tenant = keys.FindTenant(key);
        if (tenant is null)
        {
            return OpenAiErrorResults.WriteAsync(
                context, StatusCodes.Status401Unauthorized, "Incorrect API key provided.",
                OpenAiErrorTypes.InvalidRequest, code: InvalidApiKeyCode);
        }

        state.Policy = tenants.Resolve(tenant);
        return next(context);
    }

    private static ReadOnlySpan<char> ReadBearerToken(string header)
    {
        const string scheme = "Bearer ";
        var value = header.AsSpan().Trim();
        return value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..].Trim() : default;
    }
}
