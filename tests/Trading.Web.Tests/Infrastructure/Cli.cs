using System.CommandLine;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>The `trading` command-line tool, run in-process with its real commands (no database, no web app).</summary>
public static class TradingCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("trading");
        foreach (var c in Trading.Cli.Crypto.SealCommands.Build().Concat(Trading.Cli.Crypto.KeyHolderCommands.Build())
                     .Concat(Trading.Cli.Crypto.OpeningCommands.Build()).Concat(Trading.Cli.PublicLog.PublicLogCommands.Build()))
            root.Subcommands.Add(c);
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }
}
