using BenchmarkDotNet.Running;

if (args is ["quick"] or ["quick", _])
{
    // An optional round count: more rounds find more of the quiet moments on a shared machine.
    Trading.Crypto.Bench.Quick.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 15);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
