using SpikeReplay.Scenarios;

namespace SpikeReplay.Reporting;

/// <summary>The context a report is labelled with; none of it is measured.</summary>
internal sealed record RunDescription(string Scenario, string BaseUrl, string Model, double? CapacityRps, SloLimits Slo);
