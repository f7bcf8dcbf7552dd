return await Trading.Cli.TradingCommands.Build().Parse(args).InvokeAsync();
