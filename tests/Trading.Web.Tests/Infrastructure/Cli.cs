using System.CommandLine;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// The `trading` command-line tool, run in-process with its real command tree (no database, no web app).
/// <see cref="Log.CliRunner"/> runs the built tool as its own process instead, for the checks that must hold
/// on a machine with nothing but the tool and the downloaded files.
/// </summary>
public static class TradingCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = Trading.Cli.TradingCommands.Build();
        var output = new StringWriter();
        var error = new StringWriter();
        var code = root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).GetAwaiter().GetResult();
        return (code, output.ToString(), error.ToString());
    }
}
