using Gateway.FrontDoor.Configuration;

namespace Gateway.FrontDoor.Routing;

/// <summary>Picks a healthy, not yet tried destination by the cluster's load-balancing policy.</summary>
internal static class DestinationSelector
{
    public static UpstreamDestination? Pick(UpstreamCluster cluster, ulong tried, long nowTimestamp)
    {
        var destinations = cluster.Destinations;
        Span<int> candidates = stackalloc int[destinations.Length];
        var count = 0;
        foreach (var destination in destinations)
        {
            if ((tried & (1UL << destination.Index)) == 0 && destination.IsHealthy(nowTimestamp))
            {
                candidates[count++] = destination.Index;
            }
        }

        if (count == 0)
        {
            return null;
        }

        if (count == 1)
        {
            return destinations[candidates[0]];
        }

        if (cluster.Options.LoadBalancing == LoadBalancingPolicy.LeastRequests)
        {
            var best = destinations[candidates[0]];
            for (var i = 1; i < count; i++)
            {
                var candidate = destinations[candidates[i]];
                if (candidate.InFlight < best.InFlight)
                {
                    best = candidate;
                }
            }

            return best;
        }

        var first = Random.Shared.Next(count);
        var second = Random.Shared.Next(count - 1);
        if (second >= first)
        {
            second++;
        }

        var a = destinations[candidates[first]];
        var b = destinations[candidates[second]];
        return b.InFlight < a.InFlight ? b : a;
    }
}
