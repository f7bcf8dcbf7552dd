using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Trading.Biometrics;
using Trading.Domain;

namespace Trading.Web.Features.CheckIn;

/// <summary>
/// The face models, loaded and hash-checked once per process, and the threads that run them. Inference is
/// CPU-bound and synchronous (40-80 ms a frame); running it on the request thread pool would park pool
/// threads that Kestrel and EF need, so frames queue to a few dedicated threads instead and requests await
/// the result. The queue is bounded: when the kiosk floods it, new frames are refused as busy rather than
/// piling up behind one another.
/// </summary>
public sealed class FaceEngine : IDisposable
{
    private readonly Lazy<(FaceModels Models, FacePipeline Pipeline, CheckInVerifier Verifier)> _parts;
    private readonly Channel<Action> _queue;
    private readonly List<Thread> _threads = [];
    private readonly BiometricsOptions _options;

    public FaceEngine(IOptions<BiometricsOptions> options)
    {
        _options = options.Value;
        _parts = new(() =>
        {
            var models = FaceModels.Load(_options.ModelDirectory);
            var pipeline = new FacePipeline(models, new FacePipelineOptions { Limits = _options.Limits });
            return (models, pipeline, new CheckInVerifier(pipeline, _options.Thresholds));
        }, LazyThreadSafetyMode.ExecutionAndPublication);
        _queue = Channel.CreateBounded<Action>(new BoundedChannelOptions(Math.Max(1, _options.QueueLength)) { FullMode = BoundedChannelFullMode.Wait });
        for (var i = 0; i < Math.Max(1, _options.Workers); i++)
        {
            var t = new Thread(Work) { IsBackground = true, Name = $"face-worker-{i}" };
            t.Start();
            _threads.Add(t);
        }
    }

    public CheckInThresholds Thresholds => _options.Thresholds;

    /// <summary>Loads the models now (verifying their hashes) so the first check-in does not pay for it.</summary>
    public Task WarmUpAsync(CancellationToken ct) => RunAsync(_ => true, ct);

    /// <summary>Runs <paramref name="work"/> on a face worker thread.</summary>
    public Task<T> RunAsync<T>(Func<CheckInVerifier, T> work, CancellationToken ct)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Item()
        {
            if (ct.IsCancellationRequested)
            {
                done.TrySetCanceled(ct);
                return;
            }
            try
            {
                done.TrySetResult(work(_parts.Value.Verifier));
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        }
        if (!_queue.Writer.TryWrite(Item))
            throw new RuleViolationException(new RuleViolation(CheckInRules.Busy));
        return done.Task;
    }

    private void Work()
    {
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (reader.TryRead(out var item)) item();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        foreach (var t in _threads) t.Join(TimeSpan.FromSeconds(5));
        if (_parts.IsValueCreated) _parts.Value.Models.Dispose();
    }
}

/// <summary>Loads the models at start-up when Biometrics:LoadAtStartup is set (a model file that fails its hash stops the start).</summary>
internal sealed class FaceEngineWarmUp(FaceEngine engine, IOptions<BiometricsOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => options.Value.LoadAtStartup ? engine.WarmUpAsync(cancellationToken) : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
