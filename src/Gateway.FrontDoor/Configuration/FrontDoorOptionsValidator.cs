using Microsoft.Extensions.Options;

namespace Gateway.FrontDoor.Configuration;

/// <summary>
/// Checks the <c>FrontDoor</c> section at start-up and reports every problem at once, so an operator fixes a bad
/// deployment in one round instead of one error per restart.
/// </summary>
internal sealed class FrontDoorOptionsValidator : IValidateOptions<FrontDoorOptions>
{
    public ValidateOptionsResult Validate(string? name, FrontDoorOptions options)
    {
        var errors = new List<string>();
        if (options.ExpectedReplicas < 1)
        {
            errors.Add($"FrontDoor:ExpectedReplicas must be at least 1 (was {options.ExpectedReplicas}).");
        }

        if (options.MaxInspectedBodyBytes <= 0)
        {
            errors.Add($"FrontDoor:MaxInspectedBodyBytes must be positive (was {options.MaxInspectedBodyBytes}).");
        }

        if (options.DefaultCompletionTokenReservation < 0)
        {
            errors.Add($"FrontDoor:DefaultCompletionTokenReservation must not be negative (was {options.DefaultCompletionTokenReservation}).");
        }

        var redis = options.Redis;
        if (redis.Timeout <= TimeSpan.Zero || redis.BreakDuration <= TimeSpan.Zero || redis.SamplingDuration <= TimeSpan.Zero || redis.LeaseDuration <= TimeSpan.Zero)
        {
            errors.Add("FrontDoor:Redis Timeout, BreakDuration, SamplingDuration and LeaseDuration must be positive.");
        }

        if (redis.FailureRatio is <= 0 or > 1)
        {
            errors.Add($"FrontDoor:Redis:FailureRatio must be in (0, 1] (was {redis.FailureRatio}).");
        }

        foreach (var (clusterName, cluster) in options.Clusters)
        {
            if (cluster.Models.Count == 0)
            {
                errors.Add($"FrontDoor:Clusters:{clusterName} serves no Models.");
            }

            if (cluster.Destinations.Count == 0)
            {
                errors.Add($"FrontDoor:Clusters:{clusterName} has no Destinations.");
            }

            foreach (var (destinationName, destination) in cluster.Destinations)
            {
                if (!Uri.TryCreate(destination.Address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    errors.Add($"FrontDoor:Clusters:{clusterName}:Destinations:{destinationName}:Address '{destination.Address}' is not an http(s) URL.");
                }
            }
        }

        foreach (var (keyIndex, key) in options.Auth.Keys.Select((k, i) => (i, k)))
        {
            if (string.IsNullOrWhiteSpace(key.Tenant))
            {
                errors.Add($"FrontDoor:Auth:Keys:{keyIndex} names no Tenant.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
