using System.CommandLine;

var root = new RootCommand("trading: the e-bidding platform's command-line tool");
return root.Parse(args).Invoke();
