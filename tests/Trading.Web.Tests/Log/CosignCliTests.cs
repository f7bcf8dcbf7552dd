using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Trading.PublicLog;
using Trading.Web.Tests.Infrastructure;

namespace Trading.Web.Tests.Log;

using Trading.Web.Features.Log;
using Trading.Data.Log;

/// <summary>
/// The supervision office cosigning off the server with <c>trading cosign</c>: the stored checkpoint and the
/// consistency proof come from the public endpoints (a file, or fetched by the tool from a real port), the tool
/// checks them against the office's last cosigned note, and the file it writes is what the witness page accepts.
/// A forked, older or unproven checkpoint is refused by the tool and nothing is written.
/// </summary>
public class CosignCliTests(PostgresServer pg) : IAsyncLifetime
{
    private TradingFactory App { get; set; } = null!;
    private string _dir = "";

    public async ValueTask InitializeAsync()
    {
        App = new TradingFactory(await pg.CreateDatabaseAsync(GetType().Name));
        // A real port, so the tool's --server fetch is tried against the real endpoint.
        App.UseKestrel(0);
        App.StartServer();
        App.ServerAddress = new Uri(App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        _dir = Directory.CreateTempSubdirectory("trading-cosign-").FullName;
        var c = App.Anonymous();
        foreach (var f in new[] { "root-ca.crt", "issuing-ca.crt", "log-signing.crt" })
            await File.WriteAllTextAsync(F(f), await c.GetStringAsync($"/api/log/certificates/{f}"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private string F(string name) => Path.Combine(_dir, name);

    private string WitnessKey => Path.Combine(App.DataDirectory, "keys", "pki", "witness.key");

    private Task<(int ExitCode, string Output)> Cosign(params string[] args) => CliRunner.RunAsync(
        ["cosign", .. args, "--witness-key", WitnessKey, "--log-cert", F("log-signing.crt"), "--issuing", F("issuing-ca.crt"), "--root", F("root-ca.crt"), "--lang", "en"]);

    private async Task<HttpClient> SupervisorAsync()
    {
        var c = await Browser.SignInAsync(App, "supervisor");
        await Browser.PostFormAsync(c, "/", "/Culture", new Dictionary<string, string> { ["culture"] = "en", ["returnUrl"] = "/" });
        return c;
    }

    private async Task GrowAsync(int tenders)
    {
        var owner = await App.ApiAsync("owner1");
        for (var i = 0; i < tenders; i++)
            Assert.Equal(HttpStatusCode.Created, (await owner.PostAsJsonAsync("/api/tenders", TestApi.TenderBody(App.Clock.GetUtcNow().UtcDateTime.AddDays(25), title: $"cosign {i}"))).StatusCode);
    }

    /// <summary>The newest stored checkpoint as the public endpoint gives it, saved to a file; and its id.</summary>
    private async Task<(string File, Guid Id, long Size)> DownloadLatestAsync(string name)
    {
        var json = await App.Anonymous().GetStringAsync("/api/log/checkpoints/stored?count=1");
        await File.WriteAllTextAsync(F(name), json);
        var first = System.Text.Json.JsonDocument.Parse(json).RootElement[0];
        return (F(name), first.GetProperty("id").GetGuid(), first.GetProperty("size").GetInt64());
    }

    private async Task<string> UploadAsync(HttpClient sup, Guid id, string note)
    {
        var r = await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Upload",
            new Dictionary<string, string> { ["CheckpointId"] = id.ToString(), ["CosignedNote"] = note });
        return r.StatusCode == HttpStatusCode.Redirect ? "ok" : r.StatusCode + " " + await r.Content.ReadAsStringAsync();
    }

    /// <summary>What the browser sends when the office chooses the file instead of pasting it.</summary>
    private async Task<string> UploadFileAsync(HttpClient sup, Guid id, byte[] file, string? pasted = null)
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent(await Browser.TokenAsync(sup, "/Log/Witness")), "__RequestVerificationToken" },
            { new StringContent(id.ToString()), "CheckpointId" },
            { new StringContent(pasted ?? ""), "CosignedNote" },
            { new ByteArrayContent(file), "CosignedFile", "cosigned.txt" },
        };
        var r = await sup.PostAsync("/Log/Witness?handler=Upload", form);
        return r.StatusCode == HttpStatusCode.Redirect ? "ok" : r.StatusCode + " " + await r.Content.ReadAsStringAsync();
    }

    private int Cosignatures() => App.WithDb(db => db.Set<LogCosignature>().Count());

    [Fact]
    public async Task The_office_cosigns_off_the_server_the_page_accepts_the_file_and_a_fork_is_refused_by_the_tool()
    {
        // The demo's failed tender passed its deadline at seeding, and a deadline makes a checkpoint.
        var seeded = App.WithDb(db => db.Set<LogCheckpoint>().AsNoTracking().Count());
        var sup = await SupervisorAsync();
        await Browser.PostFormAsync(sup, "/Log/Witness", "/Log/Witness?handler=Checkpoint", new Dictionary<string, string>());
        var (cp1, id1, size1) = await DownloadLatestAsync("cp1.json");

        // Neither --last nor --first: the tool will not guess that nothing was cosigned before.
        var (code, output) = await Cosign(cp1, "--out", F("c1.txt"));
        Assert.True(code == 2, output);

        (code, output) = await Cosign(cp1, "--first", "--out", F("c1.txt"));
        Assert.True(code == 0, output);
        Assert.Contains($"size {size1}", output, StringComparison.Ordinal);
        var c1 = await File.ReadAllTextAsync(F("c1.txt"));
        Assert.Equal("ok", await UploadAsync(sup, id1, c1));
        Assert.Equal(1, Cosignatures());

        // The log grows; the next stored checkpoint is cosigned against the office's own last note, with the proof
        // first from a downloaded file, then fetched by the tool itself.
        await GrowAsync(3);
        App.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await App.RunJobAsync<CheckpointJob>());
        var (cp2, id2, size2) = await DownloadLatestAsync("cp2.json");
        await File.WriteAllTextAsync(F("proof.json"), await App.Anonymous().GetStringAsync($"/api/log/proof/consistency?from={size1}&to={size2}"));

        // A proof for other sizes, or with a hash changed, is refused before anything is signed.
        await File.WriteAllTextAsync(F("wrong-sizes.json"), await App.Anonymous().GetStringAsync($"/api/log/proof/consistency?from=1&to={size2}"));
        (code, output) = await Cosign(cp2, "--last", F("c1.txt"), "--proof", F("wrong-sizes.json"), "--out", F("x.txt"));
        Assert.True(code == 2, output);
        var proofJson = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(F("proof.json")))!;
        proofJson["hashes"]![0] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        await File.WriteAllTextAsync(F("bad-proof.json"), proofJson.ToJsonString());
        (code, output) = await Cosign(cp2, "--last", F("c1.txt"), "--proof", F("bad-proof.json"), "--out", F("x.txt"));
        Assert.True(code == 1, output);
        Assert.Contains("not consistent", output, StringComparison.Ordinal);
        Assert.False(File.Exists(F("x.txt")));

        (code, output) = await Cosign(cp2, "--last", F("c1.txt"), "--proof", F("proof.json"), "--out", F("c2.txt"));
        Assert.True(code == 0, output);
        Assert.Contains($"consistent with the last cosigned size {size1}", output, StringComparison.Ordinal);
        (code, output) = await Cosign(cp2, "--last", F("c1.txt"), "--server", "file:///etc/passwd", "--out", F("x.txt"));
        Assert.True(code == 2, output);
        (code, output) = await Cosign(cp2, "--last", F("c1.txt"), "--out", F("x.txt")); // no proof at all
        Assert.True(code == 2, output);
        (code, output) = await Cosign(cp2, "--last", F("c1.txt"), "--server", App.ServerAddress!.ToString(), "--out", F("c2-fetched.txt"));
        Assert.True(code == 0, output);
        // This time the file itself is chosen in the form; a file and a pasted note together, a file too large or not
        // UTF-8, are refused.
        var c2 = await File.ReadAllBytesAsync(F("c2.txt"));
        Assert.Contains("not both", await UploadFileAsync(sup, id2, c2, pasted: "x"), StringComparison.Ordinal);
        Assert.Contains("at most 8192", await UploadFileAsync(sup, id2, new byte[9000]), StringComparison.Ordinal);
        Assert.Contains("not UTF-8", await UploadFileAsync(sup, id2, [0x7b, 0xc3, 0x28, 0x80]), StringComparison.Ordinal);
        Assert.Equal(1, Cosignatures());
        Assert.Equal("ok", await UploadFileAsync(sup, id2, c2));
        Assert.Equal(2, Cosignatures());

        // Going back: the office's last is size2, so the older checkpoint is refused.
        (code, output) = await Cosign(cp1, "--last", F("c2.txt"), "--out", F("x.txt"));
        Assert.True(code == 1, output);
        Assert.Contains("will not cosign the smaller size", output, StringComparison.Ordinal);

        // A "last" the office did not cosign (the server's plain note) is not the office's state.
        (code, output) = await Cosign(cp2, "--last", cp1, "--proof", F("proof.json"), "--out", F("x.txt"));
        Assert.True(code == 1, output);

        // A fork: the log key signs a bigger tree whose root does not extend what the office cosigned. The server's
        // own consistency proof cannot join the two, and the tool refuses; nothing is written.
        await GrowAsync(1);
        var size3 = App.WithDb(db => db.LogEntries.LongCount());
        using var logKey = ECDsa.Create();
        logKey.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(App.DataDirectory, "keys", "pki", "log-signing.key")));
        var forged = SignedNote.SignCheckpoint(new Checkpoint("trading.local/log", size3, RandomNumberGenerator.GetBytes(32), App.Clock.GetUtcNow()), new NoteSigner("trading.local/log", logKey));
        await File.WriteAllTextAsync(F("forged.txt"), forged);
        (code, output) = await Cosign(F("forged.txt"), "--last", F("c2.txt"), "--server", App.ServerAddress!.ToString(), "--out", F("x.txt"));
        Assert.True(code == 1, output);
        Assert.Contains($"size {size3} is not consistent with the last cosigned one (size {size2})", output, StringComparison.Ordinal);
        Assert.False(File.Exists(F("x.txt")));

        // A checkpoint not signed by the log key at all.
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await File.WriteAllTextAsync(F("stranger.txt"), SignedNote.SignCheckpoint(new Checkpoint("trading.local/log", size3, RandomNumberGenerator.GetBytes(32), App.Clock.GetUtcNow()), new NoteSigner("trading.local/log", stranger)));
        (code, output) = await Cosign(F("stranger.txt"), "--last", F("c2.txt"), "--server", App.ServerAddress!.ToString(), "--out", F("x.txt"));
        Assert.True(code == 1, output);
        Assert.False(File.Exists(F("x.txt")));
        Assert.Equal(2, Cosignatures());
        Assert.Equal(seeded + 2, App.WithDb(db => db.Set<LogCheckpoint>().AsNoTracking().Count()));
    }
}
