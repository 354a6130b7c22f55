using Microsoft.Extensions.Options;

namespace Gateway.Api;

/// <summary>Checks the <c>Api</c> section at start-up, every problem at once.</summary>
internal sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var errors = new List<string>();
        if (options.MaxRequestBodyBytes <= 0)
        {
            errors.Add($"Api:MaxRequestBodyBytes must be positive (was {options.MaxRequestBodyBytes}).");
        }

        if (options.MaxTokensCap <= 0)
        {
            errors.Add($"Api:MaxTokensCap must be positive (was {options.MaxTokensCap}).");
        }

        if (options.RequestTimeoutSeconds < 0)
        {
            errors.Add($"Api:RequestTimeoutSeconds must not be negative (was {options.RequestTimeoutSeconds}).");
        }

        if (options.WarmupRequests is < 0 or > 1000)
        {
            errors.Add($"Api:WarmupRequests must be in 0..1000 (was {options.WarmupRequests}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
