using System.Runtime.CompilerServices;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// The suite builds a few hundred app hosts in one process. Each host's file providers watch the web root with a
/// FileSystemWatcher (one inotify instance), and nothing disposes them with the host, so the instances add up until
/// Linux's per-user limit (128 on Debian) refuses the next one and a page fails to render ("The configured user limit
/// (128) on the number of inotify instances has been reached"). Polling watchers hold no inotify instance; nothing in
/// the tests waits for a changed file on disk.
/// </summary>
internal static class FileWatching
{
    [ModuleInitializer]
    internal static void PollInsteadOfInotify() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");
}
