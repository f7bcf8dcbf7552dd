using BenchmarkDotNet.Attributes;

namespace Trading.Biometrics.Bench;

/// <summary>End-to-end warm check-in at 720p (decode to decision), for BenchmarkDotNet's statistics.</summary>
[ShortRunJob]
[MemoryDiagnoser]
public class CheckInBenchmarks
{
    private FaceModels _models = null!;
    private CheckInVerifier _verifier = null!;
    private FaceTemplate _claimed = null!;
    private byte[] _frame = null!;

    [GlobalSetup]
    public void Setup()
    {
        _models = FaceModels.Load();
        var pipeline = new FacePipeline(_models);
        _verifier = new CheckInVerifier(pipeline);
        _frame = StageTiming.Frame720p();
        _claimed = FaceEnrolment.Enrol(pipeline, [_frame]).Template;
    }

    [GlobalCleanup]
    public void Cleanup() => _models.Dispose();

    [Benchmark]
    public bool CheckIn720p() => _verifier.Verify(_frame, _claimed, []).Accepted;

    /// <summary>The same frame against another template (random, as the `stages` gallery's): the smoke run's check that the path can refuse.</summary>
    internal bool CheckInAgainstStranger()
    {
        var rng = new Random(7);
        var stranger = new FaceTemplate(Enumerable.Range(0, 512).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray(), 1);
        return _verifier.Verify(_frame, stranger, []).Accepted;
    }
}
