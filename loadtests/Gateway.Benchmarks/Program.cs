if (args is ["gemm-probe", .. var probeArgs])
{
    return Gateway.Benchmarks.Kernels.GemmProbe.Run(probeArgs, Console.Out);
}

if (args is ["frontdoor-latency", .. var rest])
{
    return await Gateway.Benchmarks.FrontDoor.FrontDoorOverheadProbe.RunAsync(rest, Console.Out);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
