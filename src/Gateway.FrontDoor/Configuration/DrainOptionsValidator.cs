using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Configuration;

/// <summary>Checks the <c>Drain</c> section at start-up, every problem at once.</summary>
internal sealed class DrainOptionsValidator : IValidateOptions<DrainOptions>
{
    public ValidateOptionsResult Validate(string? name, DrainOptions options)
    {
        var errors = new List<string>();
        if (options.TimeoutSeconds < 0)
        {
            errors.Add($"Drain:TimeoutSeconds must not be negative (was {options.TimeoutSeconds}).");
        }

        if (options.RetryAfterSeconds < 1)
        {
            errors.Add($"Drain:RetryAfterSeconds must be at least 1 (was {options.RetryAfterSeconds}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
