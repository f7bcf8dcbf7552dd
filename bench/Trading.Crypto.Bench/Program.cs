using BenchmarkDotNet.Running;

if (args is ["quick"])
{
    Trading.Crypto.Bench.Quick.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
