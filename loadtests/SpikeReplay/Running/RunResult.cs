using SpikeReplay.Client;
using SpikeReplay.Scenarios;

namespace SpikeReplay.Running;

/// <summary>A finished run: the plan that was offered and one record per planned request, in plan order.</summary>
internal sealed record RunResult(LoadPlan Plan, IReadOnlyList<RequestRecord> Records, DateTimeOffset StartedAt, double WallMilliseconds);
