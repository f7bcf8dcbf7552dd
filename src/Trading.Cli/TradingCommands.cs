using System.CommandLine;
using Trading.Cli.Crypto;

namespace Trading.Cli;

/// <summary>
/// The whole command tree in one place, so the executable and the tests that run the tool in-process
/// cannot drift apart. Each feature adds its commands here, one line per feature, from its own static class.
/// </summary>
public static class TradingCommands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("trading: the e-bidding platform's command-line tool");
        Add(root, SealCommands.Build());
        Add(root, KeyHolderCommands.Build());
        Add(root, OpeningCommands.Build());
        Add(root, PublicLog.PublicLogCommands.Build());
        Add(root, ExpertPool.DrawCommands.Build());
        Add(root, Integrity.ImportHistoryCommand.Build());
        return root;
    }

    private static void Add(RootCommand root, IEnumerable<Command> commands)
    {
        foreach (var command in commands)
        {
            root.Subcommands.Add(command);
        }
    }
}
