using Microsoft.Extensions.Options;

namespace Gateway.Serving;

/// <summary>Checks the admission settings at startup, reporting every problem at once.</summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions options)
    {
        var errors = new List<string>();
        if (options.SloTtftMilliseconds <= 0)
        {
            errors.Add($"Admission:SloTtftMilliseconds must be positive (was {options.SloTtftMilliseconds}).");
        }

        if (options.Headroom is <= 0 or > 1 || double.IsNaN(options.Headroom))
        {
            errors.Add($"Admission:Headroom must be in (0, 1] (was {options.Headroom}).");
        }

        if (options.MissBudget is < 0 or > 0.2 || double.IsNaN(options.MissBudget))
        {
            errors.Add($"Admission:MissBudget must be in [0, 0.2] (was {options.MissBudget}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
