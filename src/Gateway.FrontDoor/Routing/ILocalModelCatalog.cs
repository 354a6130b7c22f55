namespace Gateway.FrontDoor.Routing;

/// <summary>
/// Implemented by the API: the models this process serves itself. A request for one of them always stays local,
/// even when an upstream cluster lists the same id. Optional: without it, only cluster models are forwarded.
/// </summary>
public interface ILocalModelCatalog
{
    bool IsServedLocally(string modelId);
}
