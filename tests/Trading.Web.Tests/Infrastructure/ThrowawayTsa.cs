using System.Net;
using Trading.PublicLog;

namespace Trading.Web.Tests.Infrastructure;

/// <summary>
/// An external RFC 3161 time-stamping authority served by the test process over real HTTP (application/timestamp-query
/// in, application/timestamp-reply out), with its own throwaway PKI: the platform knows it only by its address
/// (<c>PublicLog:TsaUrl</c>). It can be told to answer, to answer garbage, to refuse (503) or to be slow.
/// Listens on the first free port of 5211-5219.
/// </summary>
public sealed class ThrowawayTsa : IDisposable
{
    /// <summary>How it answers; <see cref="GarbageOnce"/> answers garbage to the next request and then answers properly.</summary>
    public enum Behaviour { Answer, Garbage, Unavailable, Slow, GarbageOnce }

    private readonly HttpListener _listener = null!;
    private readonly TimeStampAuthority _tsa;
    private readonly CancellationTokenSource _stop = new();

    public ThrowawayTsa()
    {
        Pki = CentrePki.CreateDevelopment("Throwaway External TSA", DateTimeOffset.UtcNow.AddDays(-30));
        _tsa = Pki.TimeStampAuthority();
        for (var port = 5211; port <= 5219 && Url is null; port++)
        {
            // A listener whose Start failed is disposed (port taken, by another test class running beside this one):
            // each port gets a new one.
            var prefix = $"http://127.0.0.1:{port}/tsa/";
            var listener = new HttpListener();
            listener.Prefixes.Add(prefix);
            try
            {
                listener.Start();
                (_listener, Url) = (listener, prefix);
            }
            catch (HttpListenerException)
            {
                listener.Close();
            }
        }
        if (Url is null) throw new InvalidOperationException("No free port in 5211-5219 for the throwaway TSA.");
        _ = Task.Run(ServeAsync);
    }

    /// <summary>The authority's PKI: its root (<c>Pki.Root</c>) is what a verifier is given for this TSA.</summary>
    public CentrePki Pki { get; }
    public string Url { get; } = null!;
    public Behaviour Mode { get; set; } = Behaviour.Answer;
    public int Requests => _requests;
    private int _requests;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            _ = Task.Run(() => AnswerAsync(context));
        }
    }

    private async Task AnswerAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var response = context.Response;
        try
        {
            var mode = Mode;
            if (mode == Behaviour.GarbageOnce)
            {
                Mode = Behaviour.Answer;
                mode = Behaviour.Garbage;
            }
            switch (mode)
            {
                case Behaviour.Unavailable:
                    response.StatusCode = 503;
                    break;
                case Behaviour.Garbage:
                    response.ContentType = "application/timestamp-reply";
                    await response.OutputStream.WriteAsync(System.Security.Cryptography.RandomNumberGenerator.GetBytes(300));
                    break;
                case Behaviour.Slow:
                    await Task.Delay(TimeSpan.FromSeconds(8), _stop.Token);
                    goto default;
                default:
                    response.ContentType = "application/timestamp-reply";
                    await response.OutputStream.WriteAsync(_tsa.Respond(body.ToArray(), DateTimeOffset.UtcNow));
                    break;
            }
            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        Pki.Dispose();
        _stop.Dispose();
    }
}
