using System.Text.RegularExpressions;
using Trading.Domain.Supervision;
using Trading.PublicLog;

namespace Trading.Web.Tests.Log;

/// <summary>
/// One catalogue of log entry types (<see cref="LogEntryTypes.All"/>), held true against the source and the docs:
/// every type the web app writes is in it, every type in it is written, and docs/public-log.md's "What the log reveals,
/// and when" places each type in the column its <see cref="LogReveal"/> says. Reads files only (no database).
/// </summary>
public partial class LogCatalogueTests
{
    private static readonly string Root = FindRoot();
    private static readonly string[] Sources = [.. Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
        .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))];
    private static readonly string[] WebSources = [.. Sources.Where(f => f.Contains($"{Path.DirectorySeparatorChar}Trading.Web{Path.DirectorySeparatorChar}"))];

    [GeneratedRegex(@"\blog\.(?:AppendAsync|RecordAsync|AppendSealedAsync|AppendSealedRecordAsync|AppendQueuedAsync|AppendSealedQueuedAsync)\(")]
    private static partial Regex LogCall();
    [GeneratedRegex("\"([a-z][a-z0-9-]*(?:\\.[a-z0-9-]+)+)\"")]
    private static partial Regex TypeLiteral();
    [GeneratedRegex("\"draw\\.event\\.([a-z-]+)\"")]
    private static partial Regex DrawEvent();
    [GeneratedRegex(@"\bPublicLogWriter\s+(\w+)\s*[,)=;]|(\w+)\s*=\s*\w+\.GetRequiredService<PublicLogWriter>")]
    private static partial Regex WriterName();
    [GeneratedRegex(@"`([^`]+)`")]
    private static partial Regex Backticked();

    /// <summary>
    /// Log calls whose type is computed rather than written out, with the types each can produce. A new computed call
    /// fails the scan until it is listed here.
    /// </summary>
    private static readonly Dictionary<(string File, string Argument), Func<IEnumerable<string>>> Computed = new()
    {
        // Each library draw event "draw.event.<x>" is logged as "draw.<x>" (DrawService.AppendEventsAsync).
        [("DrawService.cs", "type")] = () => Sources.SelectMany(f => DrawEvent().Matches(File.ReadAllText(f)))
            .Select(m => "draw." + m.Groups[1].Value).Distinct(),
        // A limit is logged when it turns yellow or red; green is where it starts.
        [("SupervisionJob.cs", "$\"supervision.limit.{to.ToString().ToLowerInvariant()}\"")] = () =>
            Enum.GetValues<LimitColour>().Where(c => c > LimitColour.Green).Select(c => $"supervision.limit.{c.ToString().ToLowerInvariant()}"),
    };

    [Fact]
    public void Every_type_the_app_writes_is_in_the_catalogue_and_every_catalogued_type_is_written()
    {
        var (written, unread) = WrittenTypes();
        Assert.True(unread.Count == 0, "log calls whose type the scan cannot read (write the type out, use a const, or list the call in Computed):\n" + string.Join("\n", unread));
        var missing = written.Where(t => LogEntryTypes.Find(t) is null).Order().ToList();
        Assert.True(missing.Count == 0, "written but not in LogEntryTypes.All: " + string.Join(", ", missing));
        var unused = LogEntryTypes.All.Select(e => e.Type).Where(t => !written.Contains(t)).ToList();
        Assert.True(unused.Count == 0, "in LogEntryTypes.All but never written: " + string.Join(", ", unused));
    }

    [Fact]
    public void The_catalogue_has_one_well_formed_entry_per_type_and_a_constant_for_each()
    {
        Assert.Equal(LogEntryTypes.All.Count, LogEntryTypes.All.Select(e => e.Type).Distinct().Count());
        Assert.All(LogEntryTypes.All, e =>
        {
            Assert.Matches("^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)+$", e.Type);
            Assert.False(string.IsNullOrWhiteSpace(e.Fields), e.Type);
            Assert.False(string.IsNullOrWhiteSpace(e.Meaning), e.Type);
        });
        var constants = typeof(LogEntryTypes).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();
        Assert.Equal(LogEntryTypes.All.Select(e => e.Type).Order(), constants);
    }

    [Fact]
    public void The_docs_table_covers_every_type_in_the_column_the_catalogue_says()
    {
        var rows = RevealTable();
        var problems = new List<string>();
        foreach (var e in LogEntryTypes.All)
        {
            // The most specific row: an exact name, else the longest family prefix ("draw.*").
            var row = rows.Where(r => r.Exact.Contains(e.Type)).Select(r => (r, len: int.MaxValue))
                .Concat(rows.SelectMany(r => r.Families.Where(f => e.Type.StartsWith(f, StringComparison.Ordinal)).Select(f => (r, len: f.Length))))
                .OrderByDescending(x => x.len).Select(x => x.r).FirstOrDefault();
            if (row is null) { problems.Add($"{e.Type}: no row"); continue; }
            var ok = e.Reveal switch
            {
                LogReveal.AtDeadline => row.Before.Contains("`sealed.act`") && row.AtDeadline.Contains("opened"),
                LogReveal.WhenPublished => row.Before.Contains("in the clear if published") && row.Before.Contains("`sealed.act`"),
                _ => !row.Before.Contains("`sealed.act`") && !row.AtDeadline.Contains("opened"),
            };
            if (!ok) problems.Add($"{e.Type}: {e.Reveal}, but its row says \"{row.Before}\" | \"{row.AtDeadline}\"");
        }
        Assert.True(problems.Count == 0, "docs/public-log.md, \"What the log reveals, and when\":\n" + string.Join("\n", problems));
    }

    [Fact]
    public void The_writer_is_always_called_log_so_the_scan_sees_every_call()
    {
        var others = WebSources.SelectMany(f => WriterName().Matches(File.ReadAllText(f))
                .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
                .Where(n => n != "log").Select(n => $"{Path.GetFileName(f)}: {n}"))
            .ToList();
        Assert.True(others.Count == 0, "a PublicLogWriter not named log: " + string.Join(", ", others));
    }

    private static (HashSet<string> Written, List<string> Unread) WrittenTypes()
    {
        // The writer's own entries: sealed commitments (and cover entries), and the deadline's reveal.
        var written = new HashSet<string>(StringComparer.Ordinal) { LogEntryTypes.SealedAct, LogEntryTypes.SealedReveal };
        var unread = new List<string>();
        var constants = Sources.SelectMany(f => Regex.Matches(File.ReadAllText(f), "const string (\\w+) = \"([a-z][a-z0-9.-]+)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value)))
            .GroupBy(c => c.Item1).ToDictionary(g => g.Key, g => g.Select(c => c.Item2).ToList());
        foreach (var file in WebSources)
        {
            var text = File.ReadAllText(file);
            foreach (Match call in LogCall().Matches(text))
            {
                var argument = FirstArgument(text, call.Index + call.Length);
                var name = Path.GetFileName(file);
                var line = text[..call.Index].Count(c => c == '\n') + 1;
                if (Computed.TryGetValue((name, argument), out var produce)) { written.UnionWith(produce()); continue; }
                var literals = TypeLiteral().Matches(argument).Select(m => m.Groups[1].Value).ToList();
                if (literals.Count > 0 && !argument.Contains('$') && !argument.Contains('+')) { written.UnionWith(literals); continue; }
                if (Regex.IsMatch(argument, @"^[A-Za-z_][\w.]*$"))
                {
                    var last = argument.Split('.')[^1];
                    if (constants.TryGetValue(last, out var values)) { written.UnionWith(values); continue; }
                    // A parameter of the enclosing method: the types are the literals its callers in this file pass.
                    var forwarded = Forwarded(text, last);
                    if (forwarded.Count > 0) { written.UnionWith(forwarded); continue; }
                }
                unread.Add($"{name}:{line}: {argument}");
            }
        }
        return (written, unread);
    }

    private static List<string> Forwarded(string text, string parameter)
    {
        var methods = Regex.Matches(text, $@"\b(\w+)\s*\([^()]*\bstring\s+{parameter}\b").Select(m => m.Groups[1].Value)
            .Where(m => m is not ("AppendAsync" or "RecordAsync" or "AppendSealedAsync" or "AppendSealedRecordAsync")).Distinct().ToList();
        var types = new List<string>();
        foreach (var method in methods)
            foreach (Match call in Regex.Matches(text, $@"\b{method}\("))
                types.AddRange(TypeLiteral().Matches(Arguments(text, call.Index + call.Length)).Select(m => m.Groups[1].Value));
        return types;
    }

    /// <summary>The text of a call's argument list from just after its '(' to the matching ')'.</summary>
    private static string Arguments(string text, int start)
    {
        var (depth, inString, i) = (1, false, start);
        for (; i < text.Length && depth > 0; i++)
        {
            var c = text[i];
            if (c == '"' && text[i - 1] != '\\') inString = !inString;
            else if (!inString && c is '(' or '[' or '{') depth++;
            else if (!inString && c is ')' or ']' or '}') depth--;
        }
        return text[start..(i - 1)];
    }

    private static string FirstArgument(string text, int start)
    {
        var args = Arguments(text, start);
        var (depth, inString) = (0, false);
        for (var i = 0; i < args.Length; i++)
        {
            var c = args[i];
            if (c == '"' && (i == 0 || args[i - 1] != '\\')) inString = !inString;
            else if (!inString && c is '(' or '[' or '{') depth++;
            else if (!inString && c is ')' or ']' or '}') depth--;
            else if (!inString && depth == 0 && c == ',') return args[..i].Trim();
        }
        return args.Trim();
    }

    private sealed record Row(HashSet<string> Exact, List<string> Families, string Before, string AtDeadline);

    private static List<Row> RevealTable()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "docs", "public-log.md"));
        var start = Array.FindIndex(lines, l => l.StartsWith("## What the log reveals", StringComparison.Ordinal));
        Assert.True(start >= 0, "docs/public-log.md has no \"What the log reveals\" section");
        var header = Array.FindIndex(lines, start, l => l.StartsWith("| written by", StringComparison.Ordinal));
        var rows = new List<Row>();
        foreach (var line in lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToArray();   // "", first, before, at deadline, later, ""
            var (exact, families, lastFull) = (new HashSet<string>(StringComparer.Ordinal), new List<string>(), "");
            foreach (var token in Backticked().Matches(cells[1]).Select(m => m.Groups[1].Value))
            {
                // ".published" after "tender.registered" is "tender.published".
                var full = token.StartsWith('.') ? lastFull.Split('.')[0] + token : token;
                if (!token.StartsWith('.')) lastFull = token;
                if (full.EndsWith(".*", StringComparison.Ordinal)) families.Add(full[..^1]);
                else exact.Add(full);
            }
            rows.Add(new Row(exact, families, cells[2], cells[3]));
        }
        return rows;
    }

    private static string FindRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Trading.sln"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
