using Gateway.Cli;

// Verbs live in Cli/GatewayCli.cs; with none, the gateway serves.
return await GatewayCli.RunAsync(args).ConfigureAwait(false);
