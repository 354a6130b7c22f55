namespace Gateway.FrontDoor.Requests;

/// <summary>
/// What the front door learned about a request, on <c>HttpContext.Features</c> for the layers behind it
/// (the scheduler reads <see cref="Priority"/>, logs read <see cref="Tenant"/>).
/// </summary>
public interface IFrontDoorRequestFeature
{
    /// <summary>The authenticated tenant ("anonymous" when auth is off).</summary>
    string Tenant { get; }

    int Priority { get; }

    /// <summary>The body's <c>model</c>, when the body had one.</summary>
    string? Model { get; }

    /// <summary>Tokens reserved against the tenant's TPM at admission (prompt estimate + max tokens).</summary>
    int ReservedTokens { get; }
}
