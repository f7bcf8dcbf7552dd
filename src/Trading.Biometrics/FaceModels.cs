using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;

namespace Trading.Biometrics;

/// <summary>Colour channel order a model expects in its input planes.</summary>
public enum ChannelOrder
{
    /// <summary>Planes R, G, B (for the grey landmark model: BT.601 luma weights 0.299 R + 0.114 B).</summary>
    Rgb,
    /// <summary>Planes B, G, R (for the grey landmark model: the R and B weights swapped).</summary>
    Bgr,
}

/// <summary>Runtime options for loading the models.</summary>
/// <param name="IntraOpThreads">ONNX Runtime intra-op threads per session; 0 lets ORT choose.</param>
/// <param name="AllowSpinning">Let ORT worker threads busy-wait between ops; off by default (see docs/biometrics.md), kept only so the benchmark can show why.</param>
public sealed record FaceModelOptions(int IntraOpThreads = 2, bool AllowSpinning = false);

/// <summary>
/// The four ONNX models of <c>faceplugin-face-recognition-js@0.0.1</c>, each checked against a pinned SHA-256
/// before ONNX Runtime parses it. Thread-safe: sessions may be shared by concurrent check-ins.
/// </summary>
public sealed class FaceModels : IDisposable
{
    /// <summary>File name and pinned SHA-256 (lower-case hex) of each model, as shipped in the npm package.</summary>
    public static readonly IReadOnlyList<(string File, string Sha256)> Pinned =
    [
        ("fr_detect.onnx", "6c0256ccd3164f844736a401faf936ec2930764a87ae39442180887d0c5c8854"),
        ("fr_landmark.onnx", "f10b0ba1d2a8a099adefede1ebf3733e44fe370715e7303dbeb7f59c02142258"),
        ("fr_feature.onnx", "87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581"),
        ("fr_liveness.onnx", "afa783b7e902fdfcf323a7240cac2a1c580c25314ea4161129dc1b0d100dc32d"),
    ];

    private FaceModels(InferenceSession detect, InferenceSession landmark, InferenceSession feature, InferenceSession liveness)
    {
        Detect = detect;
        Landmark = landmark;
        Feature = feature;
        Liveness = liveness;
    }

    /// <summary>The directory next to the application where the build copies the models.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "models");

    /// <summary>First 8 bytes of the embedding model's SHA-256: templates carry it so a model change is detected.</summary>
    public static ReadOnlySpan<byte> FeatureModelId => [0x87, 0xaa, 0xcd, 0xfe, 0x57, 0x51, 0x0d, 0xbb];

    internal InferenceSession Detect { get; }

    internal InferenceSession Landmark { get; }

    internal InferenceSession Feature { get; }

    internal InferenceSession Liveness { get; }

    /// <summary>Loads and verifies the four models from <paramref name="directory"/> (default: <see cref="DefaultDirectory"/>).</summary>
    /// <exception cref="BiometricException">With <see cref="BiometricReason.ModelFileMismatch"/> if a file is missing or differs.</exception>
    public static FaceModels Load(string? directory = null, FaceModelOptions? options = null)
    {
        directory ??= DefaultDirectory;
        options ??= new FaceModelOptions();
        var bytes = Pinned.Select(p => ReadVerified(directory, p.File, p.Sha256)).ToArray();
        var sessions = new List<InferenceSession>();
        try
        {
            using var sessionOptions = CreateSessionOptions(options);
            foreach (var model in bytes)
            {
                sessions.Add(new InferenceSession(model, sessionOptions));
            }

            return new FaceModels(sessions[0], sessions[1], sessions[2], sessions[3]);
        }
        catch
        {
            sessions.ForEach(s => s.Dispose());
            throw;
        }
    }

    /// <summary>Checks a model file against its pinned hash and returns its bytes.</summary>
    internal static byte[] ReadVerified(string directory, string file, string expectedSha256)
    {
        var path = Path.Combine(directory, file);
        if (!File.Exists(path))
        {
            throw new BiometricException(BiometricReason.ModelFileMismatch, path);
        }

        // Hash the same bytes ORT will parse, so a file swapped between check and load cannot slip through.
        var data = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(data));
        if (!string.Equals(actual, expectedSha256, StringComparison.Ordinal))
        {
            throw new BiometricException(BiometricReason.ModelFileMismatch, path);
        }

        return data;
    }

    private static SessionOptions CreateSessionOptions(FaceModelOptions options)
    {
        var so = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
        };
        // Spinning worker threads busy-wait between ops; on a 2-core kiosk server they steal the core the
        // next stage needs and roughly double latency, so they are turned off.
        var spin = options.AllowSpinning ? "1" : "0";
        so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin);
        so.AddSessionConfigEntry("session.inter_op.allow_spinning", spin);
        return so;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Detect.Dispose();
        Landmark.Dispose();
        Feature.Dispose();
        Liveness.Dispose();
    }
}
