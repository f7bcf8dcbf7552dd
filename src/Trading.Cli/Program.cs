using System.CommandLine;
using Trading.Cli.Crypto;

var root = new RootCommand("trading: the e-bidding platform's command-line tool");

// Each feature adds its commands here, one line per feature, from its own static class.
Add(SealCommands.Build());
Add(KeyHolderCommands.Build());
Add(OpeningCommands.Build());
Add(Trading.Cli.PublicLog.PublicLogCommands.Build());
Add(Trading.Cli.ExpertPool.DrawCommands.Build());

return await root.Parse(args).InvokeAsync();

void Add(IEnumerable<Command> commands)
{
    foreach (var command in commands)
    {
        root.Subcommands.Add(command);
    }
}
