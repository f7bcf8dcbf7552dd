namespace Trading.Web.Infrastructure;

/// <summary>
/// The deployment's data folder (<c>Platform:DataDirectory</c>, default <c>App_Data</c>, relative to the content root):
/// the SQLite file, stored files, generated keys, mail pickup and uploads in progress. Resolved once here so every
/// feature puts its files in the same place.
/// </summary>
public sealed class DataFolder
{
    public string Path { get; }

    public DataFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
    }

    public static DataFolder From(IConfiguration config, IHostEnvironment env)
    {
        var configured = config.GetSection("Platform").Get<PlatformOptions>()?.DataDirectory ?? new PlatformOptions().DataDirectory;
        return new DataFolder(System.IO.Path.IsPathRooted(configured) ? configured : System.IO.Path.Combine(env.ContentRootPath, configured));
    }

    /// <summary>A sub-folder, created if missing.</summary>
    public string Sub(string name) => Directory.CreateDirectory(System.IO.Path.Combine(Path, name)).FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);
}
