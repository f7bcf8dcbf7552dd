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

if (args.Length > 0 && args[0] == "attack-kinds")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    AttackKinds.Run(args.Length > 1 ? args[1] : null, args.Length > 2 ? int.Parse(args[2], inv) : 7, args.Length > 3 ? int.Parse(args[3], inv) : 6, args.Length > 4 ? int.Parse(args[4], inv) : 2, args.Length > 5 ? int.Parse(args[5], inv) : 2);
    return;
}

if (args.Length > 0 && args[0] == "enrolment-quality")
{
    EnrolmentQuality.Run(args.Length > 1 ? args[1] : null);
    return;
}

if (args.Length > 0 && args[0] == "stages")
{
    StageTiming.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Calibrate).Assembly).Run(args);
