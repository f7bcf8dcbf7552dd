namespace Trading.Web.Infrastructure;

public enum SniffedType { Unknown, Pdf, Png, Jpeg, Zip }

/// <summary>
/// Identifies a file by its first bytes, so a renamed executable cannot pass as a PDF. A few magic numbers
/// are all the platform accepts; a full MIME library would add nothing we use.
/// </summary>
public static class FileSniffer
{
    public static SniffedType Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("%PDF-"u8)) return SniffedType.Pdf;
        if (head.StartsWith(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A })) return SniffedType.Png;
        if (head.StartsWith(new byte[] { 0xFF, 0xD8, 0xFF })) return SniffedType.Jpeg;
        if (head.StartsWith(new byte[] { 0x50, 0x4B, 0x03, 0x04 })) return SniffedType.Zip;
        return SniffedType.Unknown;
    }

    /// <summary>What a file name's extension claims.</summary>
    public static SniffedType Claimed(string fileName) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".pdf" => SniffedType.Pdf,
        ".png" => SniffedType.Png,
        ".jpg" or ".jpeg" => SniffedType.Jpeg,
        ".zip" or ".docx" or ".xlsx" => SniffedType.Zip,
        _ => SniffedType.Unknown,
    };

    public static string ContentType(SniffedType t, string fileName) => t switch
    {
        SniffedType.Pdf => "application/pdf",
        SniffedType.Png => "image/png",
        SniffedType.Jpeg => "image/jpeg",
        SniffedType.Zip => Path.GetExtension(fileName).ToLowerInvariant() switch
        {
            ".docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            ".xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            _ => "application/zip",
        },
        _ => "application/octet-stream",
    };
}
