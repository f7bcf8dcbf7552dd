using BenchmarkDotNet.Running;
using Trading.Biometrics.Bench;

if (args.Length > 0 && args[0] == "calibrate")
{
    var output = args.Length > 1 ? args[1] : null;
    Calibrate.Run(output);
    return;
}

if (args.Length > 0 && args[0] == "active-liveness")
{
    ActiveCalibrate.Run(args.Length > 1 ? args[1] : null);
    return;
}

if (args.Length > 0 && args[0] == "stages")
{
    StageTiming.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Calibrate).Assembly).Run(args);
