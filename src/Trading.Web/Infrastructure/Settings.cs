namespace Trading.Web.Infrastructure;

/// <summary>Deployment settings bound from configuration section "Platform".</summary>
public sealed class PlatformOptions
{
    /// <summary>Where the SQLite file, bid files and generated dev keys live by default.</summary>
    public string DataDirectory { get; set; } = "App_Data";
    /// <summary>IANA zone the centre shows times in; instants are stored in UTC.</summary>
    public string TimeZone { get; set; } = "Asia/Shanghai";
    /// <summary>Seed Bogus demo data and list demo sign-ins on the first page.</summary>
    public bool Demo { get; set; }
    public long MaxFirmDocumentBytes { get; set; } = 10 * 1024 * 1024;
    public long MaxTenderDocumentBytes { get; set; } = 50 * 1024 * 1024;
    /// <summary>Name shown in the header.</summary>
    public string CentreName { get; set; } = "";
}

/// <summary>Argon2id cost for user passwords. Defaults follow OWASP's minimum (19 MiB, 2 passes).</summary>
public sealed class PasswordHashOptions
{
    public int MemoryKiB { get; set; } = 19 * 1024;
    public int Iterations { get; set; } = 2;
    public int Parallelism { get; set; } = 1;
}

public enum DatabaseProvider { Sqlite, Postgres }
