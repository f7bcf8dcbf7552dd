using Trading.Reports;

namespace Trading.Web.Features.Certificates;

/// <summary>
/// The centre's seal on the PDFs it issues (opening record, draw record, evaluation report, award notices): a PDF
/// signature by the seal certificate of the centre's CA, with the chain to its CA certificate and a time-stamp from the
/// centre's own TSA. With an external TSA configured the signature carries no time-stamp (the TSA is reached
/// asynchronously, the PDF is written synchronously; the record's time is still in its signature dictionary and the log).
/// </summary>
public sealed class DocumentSeal(CertificateAuthority authority, Log.CentreKeys keys, IConfiguration config, TimeProvider clock)
{
    /// <summary>The platform's clock, which dates a sealed report (ReportOptions.Clock) as it dates the seal's time-stamp.</summary>
    public TimeProvider Clock => clock;

    public ReportSeal For(string reason)
    {
        var ca = authority.Ca;
        return new ReportSeal
        {
            Certificate = ca.Seal, Chain = [ca.Ca], Reason = reason,
            Location = config["Platform:CentreName"] is { Length: > 0 } n ? n : ca.Seal.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false),
            TimeStamp = config["PublicLog:TsaUrl"] is { Length: > 0 } ? null : imprint => keys.Tsa.Stamp(imprint, clock.GetUtcNow()),
        };
    }
}
