using System.Collections.Concurrent;
using System.Numerics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using Npgsql;
using Trading.Crypto;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The promise made checkable (docs/bidding.md, "Custody"): a whole ceremony with two officers for the supervision
/// office (one absent at the opening), health checks, bids sealed in Chromium, and the opening in the live hall with
/// two bidders watching and confirming, while the server records every request body it receives and every line it
/// logs. Afterwards the database, the file store, the logs and those bodies are searched for every holder secret,
/// dealt share, officer key and passphrase, in hex, base64 and decimal: none is there, and the bids opened right.
/// The officers' machines run the ceremony through the relay API (Officers.cs, the same acts as the holder module;
/// CeremonyRoomBrowserTests runs it in the room); the opening is done in the officers' browsers.
/// </summary>
public sealed class ServerLearnsNothingTests(PostgresServer pg) : BrowserTest(pg)
{
    private readonly RecordingFactory.Records _records = new();

    protected override TradingFactory CreateFactory(string connectionString) => new RecordingFactory(connectionString, _records)
    {
        Settings = new Dictionary<string, string> { ["Submission:RequireTwoFactorForHolders"] = "false", ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Microsoft"] = "Debug" },
    };

    [Fact]
    public async Task A_whole_ceremony_and_opening_leave_no_secret_share_or_passphrase_with_the_server_and_the_bids_open_right()
    {
        var deadline = App.Clock.GetUtcNow().UtcDateTime.AddDays(25);
        var id = await TestApi.PublishedTenderAsync(await App.ApiAsync("owner1"), deadline);

        // The ceremony on the officers' machines: four officers, two of them for the supervision office.
        await Officers.CreateUserLikeAsync(App, "supervisor", "supervisor2");
        var officers = new Dictionary<string, OfficerClient>();
        foreach (var u in Officers.Holders)
        {
            // The demo enrolled these three officers already: each comes back with its passphrase and unseals its key here.
            officers[u] = await Officers.ClientAsync(App, u);
            await officers[u].JoinAsync(id);
        }
        var second = officers["supervisor2"] = await Officers.ClientAsync(App, "supervisor2");
        await Officers.AssertOk(await second.EnrolAsync(id));
        await Officers.AssertOk(await officers["supervisor"].Api.PostAsync($"/api/tenders/{id}/ceremony/officers/{second.OfficerId}/add",
            new StringContent("[]", Encoding.UTF8, "application/json")));
        foreach (var u in Officers.Holders) await Officers.AssertOk(await officers[u].DealAsync(id));
        foreach (var o in officers.Values)
            foreach (var r in await o.CheckAsync(id)) await Officers.AssertOk(r);
        foreach (var o in officers.Values) await Officers.AssertOk(await o.HealthCheckAsync(id));

        // Three bidders seal in Chromium; the first two will watch the opening.
        decimal[] prices = [4_321_000.55m, 4_200_000m, 4_450_000.1m];
        var bidderPages = new List<IPage>();
        for (var i = 0; i < prices.Length; i++)
        {
            var user = $"bidder0{i + 1}";
            await Bidding.ObtainDocumentsAsync(await App.ApiAsync(user), id);
            var page = await NewPageAsync();
            await SignInAsync(page, user);
            await page.GotoAsync($"/Submission/Bid/{id}");
            await page.Locator("#price").FillAsync(prices[i].ToString(System.Globalization.CultureInfo.InvariantCulture));
            await page.Locator("#duration").FillAsync("300");
            await page.Locator("#pm").FillAsync($"经理{i + 1}");
            await page.Locator("#pmid").FillAsync("11010119800101456" + i);
            await page.Locator("#bond").FillAsync("6222 1111 0000 000" + i);
            await page.GetByTestId("seal-upload").ClickAsync();
            await Assertions.Expect(page.GetByTestId("receipt")).ToContainTextAsync("Bid received", new() { Timeout = 30_000 });
            if (i < 2) bidderPages.Add(page);
        }

        App.Clock.Set(new DateTimeOffset(deadline.AddMinutes(1), TimeSpan.Zero));
        await App.RunDeadlineJobAsync();

        // Two bidders wait in the hall; the page is marked so a reload would show.
        foreach (var page in bidderPages)
        {
            await page.GotoAsync($"/Submission/Opening/{id}");
            await page.WaitUntilAsync("document.getElementById('hall').dataset.live === 'true'");
            await page.EvaluateAsync("() => { window.stayedLive = true; }");
            await Assertions.Expect(page.GetByTestId("frozen-count")).ToContainTextAsync("3 bids");
        }

        // The three holders open in their officers' browsers; the supervision office's second officer is absent.
        var hall = new List<IPage>();
        for (var h = 0; h < Officers.Holders.Length; h++)
        {
            var user = Officers.Holders[h];
            var page = await NewPageAsync();
            await SignInAsync(page, user);
            await page.GotoAsync($"/Submission/Opening/{id}");
            await page.WaitUntilAsync("document.getElementById('hall').dataset.live === 'true'");
            await page.GetByTestId("opening-passphrase").FillAsync(officers[user].Passphrase);
            await page.GetByTestId("give").ClickAsync();
            await Assertions.Expect(page.Locator($"#holders tr[data-holder='{h + 1}'][data-given='true']")).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            // The watching bidders see it arrive without reloading.
            await Assertions.Expect(bidderPages[0].Locator($"#holders tr[data-holder='{h + 1}'][data-given='true']")).ToHaveCountAsync(1, new() { Timeout = 30_000 });
            hall.Add(page);
        }

        // The rows appeared in the bidders' pages as the bids opened, and each confirms its own.
        foreach (var page in bidderPages)
        {
            var table = page.GetByTestId("opening-record");
            foreach (var p in new[] { "¥4,321,000.55", "¥4,200,000.00", "¥4,450,000.10" })
                await Assertions.Expect(table).ToContainTextAsync(p, new() { Timeout = 30_000 });
            Assert.True(await page.EvaluateAsync<bool>("() => window.stayedLive === true"));
            await Assertions.Expect(page.GetByTestId("announce")).Not.ToBeEmptyAsync();
            await page.GetByTestId("confirm").ClickAsync();
            await Assertions.Expect(page.GetByTestId("confirmed")).ToBeVisibleAsync();
        }
        Assert.Equal(2, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == "opening.confirmed")));
        Assert.Equal(3, App.WithDb(db => db.LogEntries.Count(e => e.TenderId == id && e.Type == "opening.bid")));
        Assert.All(App.WithDb(db => db.LogEntries.Where(e => e.TenderId == id && e.Type == "opening.partials").Select(e => e.Payload).ToList()),
            p => Assert.Contains("\"via\":\"browser\"", p, StringComparison.Ordinal));

        // What the officers' side knows: passphrases, transport keys, every dealt share and each holder's secret.
        var secrets = new List<(string What, byte[] Bytes)>();
        var n = BigInteger.Parse("115792089210356248762697441903878826512911962917604012063434143541551", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (user, o) in officers)
        {
            secrets.Add(($"passphrase of {user}", Encoding.UTF8.GetBytes(o.Passphrase)));
            secrets.Add(($"transport key of {user}", o.Key.ExportParameters(true).D!));
        }
        foreach (var u in Officers.Holders)
        {
            var material = await officers[u].MaterialAsync(id);
            var x = BigInteger.Zero;
            foreach (var d in material.Dealings)
            {
                var share = ShareTransport.Decrypt(material.Params, d.Shares.Single().Share, officers[u].Key);
                secrets.Add(($"share dealt by {d.Commitment.DealerIndex} to {material.HolderIndex}", share.Value));
                x = (x + new BigInteger(share.Value, isUnsigned: true, isBigEndian: true)) % n;
            }
            var xb = x.ToByteArray(isUnsigned: true, isBigEndian: true);
            secrets.Add(($"secret of holder {material.HolderIndex}", [.. new byte[32 - xb.Length], .. xb]));
        }
        Assert.Equal(4 * 2 + 9 + 3, secrets.Count);

        var haystacks = new List<(string Where, byte[] Bytes)>();
        foreach (var (where, body) in _records.Bodies) haystacks.Add(($"request body {where}", body));
        Assert.Contains(_records.Bodies, b => b.Where.Contains("handler=Give", StringComparison.Ordinal));
        haystacks.Add(("application log", Encoding.UTF8.GetBytes(string.Join("\n", _records.Logs))));
        Assert.NotEmpty(_records.Logs);
        foreach (var f in Directory.EnumerateFiles(App.DataDirectory, "*", SearchOption.AllDirectories))
            haystacks.Add(($"file {Path.GetRelativePath(App.DataDirectory, f)}", await File.ReadAllBytesAsync(f)));
        haystacks.Add(("database", Encoding.UTF8.GetBytes(await DumpDatabaseAsync())));

        var found = new List<string>();
        foreach (var (what, bytes) in secrets)
        {
            var needles = Encodings(bytes);
            foreach (var (where, hay) in haystacks)
            {
                if (Find(hay, bytes)) found.Add($"{what} (raw) in {where}");
                var text = Encoding.UTF8.GetString(hay);
                foreach (var (enc, needle) in needles)
                    if (text.Contains(needle, StringComparison.OrdinalIgnoreCase)) found.Add($"{what} ({enc}) in {where}");
            }
        }
        Assert.True(found.Count == 0, "secrets found:\n" + string.Join("\n", found.Distinct()));

        // The search can fail: public values the server does hold are found where they should be (the joint key in the
        // database, a holder's partial decryption in the body the browser posted).
        var key = await officers["owner1"].MaterialAsync(id);
        Assert.Contains(haystacks, h => h.Where == "database" && Encoding.UTF8.GetString(h.Bytes).Contains(Convert.ToHexStringLower(key.JointKey.PublicKey), StringComparison.Ordinal));
        // This tender's (the demo's history tenders were opened too, weeks ago, by their seeding).
        var partialD = App.WithDb(db => db.Set<Trading.Domain.Bidding.KeyHolder>()
            .Where(h => h.PartialsJson != null && db.Set<Trading.Domain.Bidding.KeyCeremony>().Any(c => c.Id == h.KeyCeremonyId && c.TenderId == id))
            .Select(h => h.PartialsJson!).First());
        var firstD = System.Text.Json.JsonDocument.Parse(partialD).RootElement[0].GetProperty("d").GetString()!;
        Assert.Contains(haystacks, h => h.Where.Contains("handler=Give", StringComparison.Ordinal) && Encoding.UTF8.GetString(h.Bytes).Contains(firstD, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Every encoding a secret could be written in: hex, base64 (both alphabets, with and without padding), decimal, and as text.</summary>
    private static List<(string, string)> Encodings(byte[] b)
    {
        var b64 = Convert.ToBase64String(b);
        var list = new List<(string, string)>
        {
            ("hex", Convert.ToHexStringLower(b)), ("base64", b64.TrimEnd('=')), ("base64url", b64.TrimEnd('=').Replace('+', '-').Replace('/', '_')),
            ("decimal", new BigInteger(b, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        var text = Encoding.UTF8.GetString(b);
        if (!text.Contains('\uFFFD')) list.Add(("text", text));
        // A passphrase as a JSON string would carry its non-ASCII letters escaped.
        if (text.Any(ch => ch > 127) && !text.Contains('\uFFFD')) list.Add(("json", System.Text.Json.JsonSerializer.Serialize(text).Trim('"')));
        return list;
    }

    private static bool Find(byte[] hay, byte[] needle) => hay.AsSpan().IndexOf(needle) >= 0;

    /// <summary>Every row of every table of the app's database as PostgreSQL's text form (bytea as hex).</summary>
    private async Task<string> DumpDatabaseAsync()
    {
        var cs = App.WithDb(db => Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.GetConnectionString(db.Database))!;
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        var tables = new List<string>();
        await using (var cmd = new NpgsqlCommand("SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')", conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) tables.Add($"\"{r.GetString(0)}\".\"{r.GetString(1)}\"");
        Assert.True(tables.Count > 20, $"only {tables.Count} tables");
        var sb = new StringBuilder();
        foreach (var t in tables)
        {
            await using var cmd = new NpgsqlCommand($"SELECT x::text FROM {t} x", conn);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) sb.Append(t).Append(' ').AppendLine(r.GetString(0));
        }
        return sb.ToString();
    }
}

/// <summary>The app with a recorder only this test enables: every request body the server receives, every log line it writes.</summary>
public sealed class RecordingFactory(string connectionString, RecordingFactory.Records records) : TradingFactory(connectionString)
{
    public sealed class Records
    {
        public ConcurrentQueue<(string Where, byte[] Body)> Bodies { get; } = new();
        public ConcurrentQueue<string> Logs { get; } = new();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s =>
        {
            s.AddSingleton<IStartupFilter>(new RecordBodies(records));
            s.AddSingleton<ILoggerProvider>(new RecordLogs(records));
        });
    }

    private sealed class RecordBodies(Records records) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (http, inner) =>
            {
                http.Request.EnableBuffering();
                using var ms = new MemoryStream();
                await http.Request.Body.CopyToAsync(ms);
                http.Request.Body.Position = 0;
                records.Bodies.Enqueue(($"{http.Request.Method} {http.Request.Path}{http.Request.QueryString}", ms.ToArray()));
                await inner(http);
            });
            next(app);
        };
    }

    private sealed class RecordLogs(Records records) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(records, categoryName);
        public void Dispose() { }

        private sealed class Logger(Records records, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                records.Logs.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
        }
    }
}
