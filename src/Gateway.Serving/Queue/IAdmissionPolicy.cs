namespace Gateway.Serving.Queue;

/// <summary>
/// Decides, at submit time and without blocking, whether a request that fits the queue limits should still be refused
/// because the service could not serve it well. Called concurrently from request threads.
/// </summary>
internal interface IAdmissionPolicy
{
    /// <summary>The policy's name in logs and configuration.</summary>
    string Name { get; }

    AdmissionDecision Evaluate(in AdmissionContext context);
}
