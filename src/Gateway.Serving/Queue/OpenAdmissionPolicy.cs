namespace Gateway.Serving.Queue;

/// <summary>Admits everything the queue limits allow; used when <c>Admission:Enabled</c> is false.</summary>
internal sealed class OpenAdmissionPolicy : IAdmissionPolicy
{
    public string Name => "open";

    public AdmissionDecision Evaluate(in AdmissionContext context) => AdmissionDecision.Accept;
}
