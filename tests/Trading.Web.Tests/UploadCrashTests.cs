using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Npgsql;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests;

/// <summary>
/// The server process is killed (SIGKILL, no shutdown) in the middle of a bid upload and started again: no partial
/// bid exists, the bidder resumes from the server's count, and the accepted bid is byte-for-byte intact.
/// </summary>
public class UploadCrashTests(PostgresServer pg) : IAsyncLifetime
{
    private string _cs = "";
    private readonly string _data = Path.Combine(Path.GetTempPath(), "trading-crash-tests", Guid.NewGuid().ToString("N"));
    private Process? _server;
    private int _port;

    public async ValueTask InitializeAsync() => _cs = await pg.CreateDatabaseAsync(nameof(UploadCrashTests));

    private static string WebDll()
    {
        // The web project's own build output, next to this test assembly's configuration.
        var here = AppContext.BaseDirectory; // tests/Trading.Web.Tests/bin/<Config>/net10.0/
        var config = new DirectoryInfo(here).Parent!.Name;
        var root = new DirectoryInfo(here);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Trading.sln"))) root = root.Parent;
        return Path.Combine(root!.FullName, "src", "Trading.Web", "bin", config, "net10.0", "Trading.Web.dll");
    }

    private async Task<HttpClient> StartAsync()
    {
        if (_port == 0)
        {
            using var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            _port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var dll = WebDll();
        var psi = new ProcessStartInfo("dotnet", [dll, "--urls", $"http://127.0.0.1:{_port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Staging"; // not Production: that refuses to start without the centre's PKI and Data Protection certificate
        psi.Environment["Database__Provider"] = "Postgres";
        psi.Environment["ConnectionStrings__Postgres"] = _cs;
        psi.Environment["Platform__DataDirectory"] = _data;
        psi.Environment["Platform__Demo"] = "true";
        psi.Environment["Jobs__Enabled"] = "false";
        psi.Environment["PasswordHash__MemoryKiB"] = "1024";
        psi.Environment["PasswordHash__Iterations"] = "1";
        psi.Environment["RateLimits__SignInPerMinute"] = "10000";
        _server = Process.Start(psi)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        for (var i = 0; i < 240; i++)
        {
            try
            {
                if ((await http.GetAsync("/health")).IsSuccessStatusCode) return http;
            }
            catch (HttpRequestException) { }
            Assert.False(_server.HasExited, "the server exited during start-up");
            await Task.Delay(500);
        }
        throw new TimeoutException("the server did not start");
    }

    private void Kill()
    {
        _server!.Kill(entireProcessTree: true);
        _server.WaitForExit();
        _server.Dispose();
        _server = null;
    }

    private static async Task<HttpClient> SignInAsync(HttpClient http, string user)
    {
        var r = await http.PostAsJsonAsync("/api/auth/token", new { userName = user, password = Trading.Web.Demo.DemoSeeder.Password });
        r.EnsureSuccessStatusCode();
        var c = new HttpClient { BaseAddress = http.BaseAddress };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await r.Json()).GetProperty("accessToken").GetString());
        c.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        return c;
    }

    // Counts are per tender: the demo data has bids of its own (the integrity demo's opened tender).
    private async Task<long> CountAsync(string sql)
    {
        await using var conn = new NpgsqlConnection(_cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_killed_server_keeps_no_partial_bid_and_the_bidder_resumes_to_an_intact_bid()
    {
        var http = await StartAsync();
        var bidder = await SignInAsync(http, "bidder01");
        // A demo tender in its bidding period, whose demo key holders have completed the ceremony.
        var tenders = (await (await bidder.GetAsync("/api/tenders")).Json()).EnumerateArray()
            .Where(t => t.GetProperty("step").GetInt32() == 3 && t.GetProperty("bidDeadline").GetDateTime() > DateTime.UtcNow.AddDays(1)).ToList();
        var tender = tenders[0].GetProperty("id").GetGuid();
        await Bidding.ObtainDocumentsAsync(bidder, tender);
        var sealedBid = await Bidding.SealAsync(bidder, tender, 8_888_888m);
        Assert.True(sealedBid.Envelope.Length > 500, "envelope unexpectedly small");

        var start = await bidder.PostAsJsonAsync($"/api/tenders/{tender}/bids/uploads", new { lotId = sealedBid.LotId, length = sealedBid.Envelope.LongLength });
        var uid = (await start.Json()).GetProperty("uploadId").GetGuid();
        var half = sealedBid.Envelope.Length / 2;
        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset=0", new ByteArrayContent(sealedBid.Envelope, 0, half))).IsSuccessStatusCode);

        Kill();
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM \"Bid\" WHERE \"TenderId\" = '{tender}'"));

        http = await StartAsync();
        bidder = await SignInAsync(http, "bidder01");
        var status = await (await bidder.GetAsync($"/api/bids/uploads/{uid}")).Json();
        Assert.Equal(half, status.GetProperty("received").GetInt64());
        // Completing now is refused: only half is there, and nothing becomes a bid.
        await (await Bidding.CompleteAsync(bidder, uid, sealedBid.SignedManifestJson)).AssertRefused(HttpStatusCode.UnprocessableEntity, "Rule.Bid.UploadIncomplete");
        Assert.Equal(0, await CountAsync($"SELECT count(*) FROM \"Bid\" WHERE \"TenderId\" = '{tender}'"));

        Assert.True((await bidder.PutAsync($"/api/bids/uploads/{uid}?offset={half}", new ByteArrayContent(sealedBid.Envelope, half, sealedBid.Envelope.Length - half))).IsSuccessStatusCode);
        var done = await Bidding.CompleteAsync(bidder, uid, sealedBid.SignedManifestJson);
        Assert.True(done.StatusCode == HttpStatusCode.OK, await done.Content.ReadAsStringAsync());
        var sha = (await done.Json()).GetProperty("envelopeSha256").GetString();
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(sealedBid.Envelope)), sha);
        Assert.Equal(1, await CountAsync($"SELECT count(*) FROM \"Bid\" WHERE \"Status\" = 1 AND \"TenderId\" = '{tender}'"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) Kill();
        NpgsqlConnection.ClearAllPools();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        await Task.CompletedTask;
    }
}
