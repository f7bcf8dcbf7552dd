using BenchmarkDotNet.Running;

if (args is ["quick"] or ["quick", _])
{
    // An optional round count: more rounds find more of the quiet moments on a shared machine.
    Trading.Crypto.Bench.Quick.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15);
    return;
}

if (args.Length > 0 && args[0] == "dleq")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    Trading.Crypto.Bench.Dleq.Run(args.Length > 1 ? int.Parse(args[1], inv) : 15, args.Length > 2 ? int.Parse(args[2], inv) : 200);
    return;
}

if (args.Length > 0 && args[0] == "open-one")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    await Trading.Crypto.Bench.OpenOne.RunAsync(args.Length > 1 ? int.Parse(args[1], inv) : 20, args.Length > 2 ? int.Parse(args[2], inv) : 10);
    return;
}

if (args.Length > 0 && args[0] == "cli-vs-age")
{
    var inv = System.Globalization.CultureInfo.InvariantCulture;
    Trading.Crypto.Bench.CliVsAge.Run(args.Length > 1 ? int.Parse(args[1], inv) : 1024, args.Length > 2 ? int.Parse(args[2], inv) : 5,
        args.Length > 3 ? args[3..] : [Path.Combine(AppContext.BaseDirectory, "../../../../../src/Trading.Cli/bin/Release/net10.0/trading.dll")]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
