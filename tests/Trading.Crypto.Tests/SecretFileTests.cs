using Trading.Crypto;

namespace Trading.Crypto.Tests;

public sealed class SecretFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("secret-file-").FullName;

    [Fact]
    public void A_new_key_file_is_owner_only_and_holds_exactly_what_was_written()
    {
        var path = Path.Combine(_dir, "signing.key");
        SecretFile.WriteAllText(path, "dev signing key material\nabc\n");

        Assert.Equal("dev signing key material\nabc\n", File.ReadAllText(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["signing.key"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Overwriting_a_world_readable_file_leaves_an_owner_only_file_with_the_new_content()
    {
        var path = Path.Combine(_dir, "pseudonym.key");
        File.WriteAllText(path, "old key that was readable by everyone");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        SecretFile.WriteAllBytes(path, [1, 2, 3]);

        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Single(Directory.GetFiles(_dir));
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_an_error_and_leaves_nothing_behind()
    {
        var path = Path.Combine(_dir, "missing", "a.key");
        Assert.Throws<DirectoryNotFoundException>(() => SecretFile.WriteAllText(path, "x"));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
