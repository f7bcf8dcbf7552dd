using Trading.PublicLog;
using Trading.Reports;

namespace Trading.Web.Features.Certificates;

/// <summary>
/// The centre's seal on the PDFs it issues (opening record, draw record, evaluation report, award notices, archive
/// index): a PDF signature by the seal certificate of the centre's CA, with the chain to its CA certificate and an RFC
/// 3161 signature time-stamp from the configured authority: the centre's own TSA in process, or the external TSA
/// (<c>PublicLog:TsaUrl</c>), asked synchronously (the PDF is written synchronously) and for at most
/// <c>PublicLog:SealTsaTimeoutSeconds</c> (default 5), its answer checked as the log's are (status, imprint, nonce).
/// When the external TSA is down or answers badly the record is still issued, sealed without a time-stamp (a tender
/// must not stall on it; the record's time is in its signature dictionary and the log), and the failure is logged; a
/// stored record is then stamped later by <see cref="SealStampJob"/>.
/// </summary>
public sealed class DocumentSeal(CertificateAuthority authority, Log.CentreKeys keys, IConfiguration config, TimeProvider clock,
    IHttpClientFactory http, ILogger<DocumentSeal> logger)
{
    /// <summary>The platform's clock, which dates a sealed report (ReportOptions.Clock) as it dates the seal's time-stamp.</summary>
    public TimeProvider Clock => clock;

    /// <summary>The external TSA's address, or null when the centre's own TSA stamps.</summary>
    public string? ExternalTsaUrl => config["PublicLog:TsaUrl"] is { Length: > 0 } u ? u : null;

    public ReportSeal For(string reason)
    {
        var ca = authority.Ca;
        return new ReportSeal
        {
            Certificate = ca.Seal, Chain = [ca.Ca], Reason = reason,
            Location = config["Platform:CentreName"] is { Length: > 0 } n ? n : ca.Seal.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false),
            TimeStamp = Stamp,
        };
    }

    /// <summary>A token over the imprint from the configured TSA, or null when the external one could not give one in time.</summary>
    public byte[]? Stamp(byte[] imprint)
    {
        if (ExternalTsaUrl is not { } url)
            return keys.Tsa.Stamp(imprint, clock.GetUtcNow());
        try
        {
            var timeout = TimeSpan.FromSeconds(Math.Clamp(config.GetValue("PublicLog:SealTsaTimeoutSeconds", 5.0), 0.1, 60));
            return Log.TimeStamper.StampExternal(http.CreateClient(Log.TimeStamper.HttpClientName), url, imprint, timeout);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or PublicLogException or IOException)
        {
            logger.LogWarning(e, "The external time-stamping authority {Url} gave no time-stamp for a seal; the record is sealed without one and stamped later", url);
            return null;
        }
    }
}
