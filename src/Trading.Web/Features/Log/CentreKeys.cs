using System.Security.Cryptography.X509Certificates;
using Trading.PublicLog;
using Trading.Web.Infrastructure;

namespace Trading.Web.Features.Log;

/// <summary>
/// The centre's certificates at run time: the log-signing key that signs checkpoints, the TSA that stamps
/// receipts and checkpoints, the chain up to the root that verifiers pin, and (on a development deployment)
/// the supervision office's witness key.
/// A centre with its own CA sets <c>PublicLog:PkiDirectory</c> to a folder with the files certs/README.md
/// lists (root-ca.crt, issuing-ca.crt, tsa.crt/.key, log-signing.crt/.key, optionally witness.crt); a missing
/// configured folder stops the server rather than minting a new identity. Without it, a development PKI is
/// generated once into the data directory's keys/pki folder (git-ignored) and reused on every start, except in
/// Production, which refuses to start: there the time-stamping, log-signing and witness keys would otherwise all sit on
/// the web server without anyone having decided so. The supervision office's witness key is generated only for the
/// demo (Platform:Demo); any other deployment gets the witness certificate from the office and never its key.
/// </summary>
public sealed class CentreKeys : IDisposable
{
    public const string WitnessName = "supervision/witness";

    private CentreKeys(CentrePki pki, string origin, bool development, string directory)
    {
        Pki = pki;
        Origin = origin;
        IsDevelopment = development;
        Directory = directory;
        LogSigner = pki.LogSigner(origin);
        Tsa = pki.TimeStampAuthority();
        WitnessVerifier = pki.Witness is null ? null : NoteVerifier.FromCertificate(WitnessName, pki.Witness);
        WitnessSigner = pki.Witness?.HasPrivateKey == true ? pki.WitnessSigner(WitnessName) : null;
    }

    public CentrePki Pki { get; }
    public string Origin { get; }
    public bool IsDevelopment { get; }
    public string Directory { get; }
    public NoteSigner LogSigner { get; }
    public TimeStampAuthority Tsa { get; }
    /// <summary>The witness's public key, when the PKI folder has witness.crt.</summary>
    public NoteVerifier? WitnessVerifier { get; }
    /// <summary>The witness's private key: only on a deployment that keeps it on the server (development).</summary>
    public NoteSigner? WitnessSigner { get; }

    /// <summary>Log signing certificate then the issuing CA: what a receipt carries so it chains to the root.</summary>
    public IReadOnlyList<X509Certificate2> LogChain => [Pki.LogSigning, Pki.Issuing];

    /// <summary>Public certificates by file name, for the download endpoint (never a key).</summary>
    public string? PublicPem(string fileName) => fileName switch
    {
        CentrePki.Files.RootCertificate => Pki.Root.ExportCertificatePem() + "\n",
        CentrePki.Files.IssuingCertificate => Pki.Issuing.ExportCertificatePem() + "\n",
        CentrePki.Files.TsaCertificate => Pki.Tsa.ExportCertificatePem() + "\n",
        CentrePki.Files.LogCertificate => Pki.LogSigning.ExportCertificatePem() + "\n",
        CentrePki.Files.WitnessCertificate => Pki.Witness?.ExportCertificatePem() + "\n",
        _ => null,
    };

    public const string ProductionNeedsPki = "In Production the centre's PKI is required: set PublicLog:PkiDirectory to the folder certs/README.md describes. The server does not generate its own keys in Production.";

    public static CentreKeys LoadOrCreate(IConfiguration config, string dataDirectory, TimeProvider clock, IHostEnvironment environment)
    {
        var origin = config["PublicLog:Origin"] is { Length: > 0 } o ? o : LogSigningKey.DefaultOrigin;
        var configured = config["PublicLog:PkiDirectory"];
        if (!string.IsNullOrEmpty(configured))
        {
            if (!System.IO.Directory.Exists(configured))
                throw new InvalidOperationException($"PublicLog:PkiDirectory '{configured}' does not exist.");
            return new CentreKeys(CentrePki.FromPem(ReadPem(configured)), origin, development: false, configured);
        }
        if (environment.IsProduction())
            throw new InvalidOperationException(ProductionNeedsPki);
        var demo = config.GetValue("Platform:Demo", false);
        var dir = Path.Combine(dataDirectory, "keys", "pki");
        if (File.Exists(Path.Combine(dir, CentrePki.Files.RootCertificate)))
            return new CentreKeys(CentrePki.FromPem(ReadPem(dir, witnessKey: demo)), origin, development: true, dir);

        System.IO.Directory.CreateDirectory(dir);
        var name = config["Platform:CentreName"] is { Length: > 0 } n ? n : "Development Trading Centre";
        // Valid from months back: a test clock or a skewed server clock must not see its own certificates as not yet
        // valid, nor must the demo's history (seeded weeks in the past, Demo/HistoryClock) sign before them.
        using var pki = CentrePki.CreateDevelopment(name, clock.GetUtcNow().AddDays(-120));
        foreach (var (file, pem) in pki.ToPemFiles())
        {
            // The root and issuing CA keys would be offline in production; a dev PKI that cannot issue more needs neither.
            if (file is CentrePki.Files.RootKey or CentrePki.Files.IssuingKey) continue;
            // The witness key belongs to the supervision office; only the demo, where one person plays every role, keeps it here.
            if (file is CentrePki.Files.WitnessKey && !demo) continue;
            var path = Path.Combine(dir, file);
            if (file.EndsWith(".key", StringComparison.Ordinal)) Trading.Crypto.SecretFile.WriteAllText(path, pem);
            else File.WriteAllText(path, pem);
        }
        return new CentreKeys(CentrePki.FromPem(ReadPem(dir, witnessKey: demo)), origin, development: true, dir);
    }

    /// <summary>The PEM files of a folder; a witness key an earlier demo run left behind is not loaded outside the demo.</summary>
    private static Dictionary<string, string> ReadPem(string dir, bool witnessKey = true) =>
        System.IO.Directory.GetFiles(dir).Where(f => f.EndsWith(".crt", StringComparison.Ordinal) || f.EndsWith(".key", StringComparison.Ordinal))
            .Where(f => witnessKey || Path.GetFileName(f) != CentrePki.Files.WitnessKey)
            .ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    public void Dispose() => Pki.Dispose();
}

/// <summary>
/// RFC 3161 time-stamps for receipts and checkpoints: the centre's own TSA in process, or an external TSA
/// over HTTP (<c>PublicLog:TsaUrl</c>, application/timestamp-query) whose answer is checked for status,
/// imprint and nonce before use.
/// </summary>
public sealed class TimeStamper(CentreKeys keys, IConfiguration config, TimeProvider clock, IHttpClientFactory http)
{
    public const string HttpClientName = "tsa";

    public string? ExternalUrl => config["PublicLog:TsaUrl"] is { Length: > 0 } u ? u : null;

    public async Task<byte[]> StampAsync(byte[] imprint, CancellationToken ct)
    {
        if (ExternalUrl is not { } url)
            return keys.Tsa.Stamp(imprint, clock.GetUtcNow());
        var request = TimeStampRequests.Create(imprint, out _);
        using var content = Query(request);
        using var response = await http.CreateClient(HttpClientName).PostAsync(url, content, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        return TimeStampRequests.ReadResponse(body, request);
    }

    /// <summary>
    /// The same request to the external TSA, made synchronously within <paramref name="timeout"/> (a PDF is rendered
    /// synchronously), its answer checked as <see cref="StampAsync"/> checks it (status, imprint, nonce). Throws
    /// <see cref="HttpRequestException"/>, <see cref="OperationCanceledException"/> (the time is up) or
    /// <see cref="PublicLogException"/> (an answer that is not a token for this request).
    /// </summary>
    public static byte[] StampExternal(HttpClient client, string url, byte[] imprint, TimeSpan timeout)
    {
        var request = TimeStampRequests.Create(imprint, out _);
        using var cts = new CancellationTokenSource(timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = Query(request) };
        using var response = client.Send(message, HttpCompletionOption.ResponseContentRead, cts.Token);
        response.EnsureSuccessStatusCode();
        using var body = new MemoryStream();
        response.Content.ReadAsStream(cts.Token).CopyTo(body);
        return TimeStampRequests.ReadResponse(body.ToArray(), request);
    }

    private static ByteArrayContent Query(byte[] request)
    {
        var content = new ByteArrayContent(request);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/timestamp-query");
        return content;
    }
}
