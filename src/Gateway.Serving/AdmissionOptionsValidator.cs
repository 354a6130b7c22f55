using Microsoft.Extensions.Options;

namespace Gateway.Serving;

/// <summary>Checks the admission settings at startup.</summary>
internal sealed class AdmissionOptionsValidator : IValidateOptions<AdmissionOptions>
{
    public ValidateOptionsResult Validate(string? name, AdmissionOptions options) =>
        options.SloTtftMilliseconds > 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Admission:SloTtftMilliseconds must be positive (was {options.SloTtftMilliseconds}).");
}
