using System.Collections.Frozen;
using System.Globalization;

namespace Trading.Biometrics;

/// <summary>Why a biometric operation succeeded or was refused. The web app logs the code and localizes it.</summary>
public enum BiometricReason
{
    /// <summary>The check-in or enrolment succeeded.</summary>
    Accepted,
    /// <summary>The bytes are not a JPEG or PNG image, whatever the file name says.</summary>
    NotAnImage,
    /// <summary>The image is larger than the configured pixel or byte limit.</summary>
    ImageTooLarge,
    /// <summary>No face was found.</summary>
    NoFace,
    /// <summary>More than one face of comparable size is in the frame.</summary>
    MultipleFaces,
    /// <summary>The face is smaller than the minimum size in pixels.</summary>
    FaceTooSmall,
    /// <summary>The face fills so much of the frame that the liveness model cannot see around it.</summary>
    FaceTooLarge,
    /// <summary>The liveness score is below the threshold: printed photo or screen suspected.</summary>
    LivenessFailed,
    /// <summary>The probe does not match the claimed expert's template.</summary>
    NoMatch,
    /// <summary>The probe matches another enrolled expert at least as well as the claimed one.</summary>
    PossibleSubstitution,
    /// <summary>The expert is not drawn for any session today.</summary>
    NotDrawnToday,
    /// <summary>The expert is drawn today but for another room.</summary>
    WrongRoom,
    /// <summary>The expert is drawn for this room but the check-in window is not open.</summary>
    OutsideWindow,
    /// <summary>Enrolment needs between 1 and 3 photos.</summary>
    EnrolmentPhotoCount,
    /// <summary>The enrolment photos do not look like the same person.</summary>
    EnrolmentPhotosDisagree,
    /// <summary>The template bytes are malformed.</summary>
    TemplateInvalid,
    /// <summary>The template was made by a different embedding model.</summary>
    TemplateModelMismatch,
    /// <summary>A sealed template failed authentication (wrong key, wrong expert or tampered).</summary>
    TemplateSealBroken,
    /// <summary>A model file is missing or its SHA-256 differs from the pinned value.</summary>
    ModelFileMismatch,
    /// <summary>A supervisor override was attempted without a written reason.</summary>
    OverrideReasonMissing,
    /// <summary>A supervisor override was attempted on a check-in that was not refused.</summary>
    OverrideNotNeeded,
    /// <summary>The image is truncated or damaged: it is refused rather than scored on the part that decoded.</summary>
    ImageDamaged,
    /// <summary>The frames sent for an active-liveness challenge are too few, too many or not in time order.</summary>
    ChallengeFramesInvalid,
    /// <summary>The frames do not show one person throughout.</summary>
    ChallengeFramesDisagree,
    /// <summary>The face did not perform the requested movement (or moved like a flat picture).</summary>
    ChallengeNotPerformed,
    /// <summary>The challenge is unknown, already answered or expired.</summary>
    ChallengeExpired,
    /// <summary>An enrolment photo's face is out of focus or blurred by movement.</summary>
    FaceBlurred,
    /// <summary>An enrolment photo's face is too dark, too bright or burnt out.</summary>
    FaceBadlyExposed,
    /// <summary>An enrolment photo's face is turned to one side, not frontal.</summary>
    FaceNotFrontal,
}

/// <summary>
/// Message keys and texts in en and zh-CN for every <see cref="BiometricReason"/>. The library returns codes plus
/// arguments; these texts exist so the CLI and the web app show the same wording in both languages.
/// </summary>
public static class BiometricMessages
{
    private static readonly FrozenDictionary<BiometricReason, (string Key, string En, string Zh)> Texts =
        new Dictionary<BiometricReason, (string, string, string)>
        {
            [BiometricReason.Accepted] = ("biometrics.accepted", "Check-in accepted.", "签到通过。"),
            [BiometricReason.NotAnImage] = ("biometrics.not-an-image", "The file is not a JPEG or PNG image.", "文件不是 JPEG 或 PNG 图像。"),
            [BiometricReason.ImageTooLarge] = ("biometrics.image-too-large", "The image is too large ({0}); the limit is {1}.", "图像过大（{0}），上限为 {1}。"),
            [BiometricReason.NoFace] = ("biometrics.no-face", "No face was found in the image.", "图像中未检测到人脸。"),
            [BiometricReason.MultipleFaces] = ("biometrics.multiple-faces", "{0} faces are in the frame; only the expert may stand before the camera.", "画面中有 {0} 张人脸；镜头前只能有专家本人。"),
            [BiometricReason.FaceTooSmall] = ("biometrics.face-too-small", "The face is {0} px high; at least {1} px is needed. Move closer to the camera.", "人脸高度为 {0} 像素，至少需要 {1} 像素。请靠近摄像头。"),
            [BiometricReason.FaceTooLarge] = ("biometrics.face-too-large", "The face is {0} px high in a {1} px frame; step back so that it is at most {2} of the frame height.", "人脸高度为 {0} 像素，画面高度 {1} 像素；请后退，使人脸不超过画面高度的 {2}。"),
            [BiometricReason.LivenessFailed] = ("biometrics.liveness-failed", "Liveness score {0} is below {1}: a printed photo or a screen is suspected.", "活体分数 {0} 低于 {1}：疑似照片或屏幕翻拍。"),
            [BiometricReason.NoMatch] = ("biometrics.no-match", "The face does not match the claimed expert (score {0}, threshold {1}).", "人脸与所声明的专家不符（分数 {0}，阈值 {1}）。"),
            [BiometricReason.PossibleSubstitution] = ("biometrics.possible-substitution", "The face matches another enrolled expert better (score {0} against {1}): possible substitute evaluator.", "人脸与另一位在库专家更相符（分数 {0}，对比 {1}）：疑似代评。"),
            [BiometricReason.NotDrawnToday] = ("biometrics.not-drawn-today", "The expert is not drawn for any evaluation today.", "该专家今日未被抽取参加评标。"),
            [BiometricReason.WrongRoom] = ("biometrics.wrong-room", "The expert is drawn for room {0}, not this room.", "该专家被抽取到 {0} 评标室，而非本室。"),
            [BiometricReason.OutsideWindow] = ("biometrics.outside-window", "Check-in for this session is open from {0} to {1}.", "本场签到时间为 {0} 至 {1}。"),
            [BiometricReason.EnrolmentPhotoCount] = ("biometrics.enrolment-photo-count", "Enrolment needs 1 to 3 photos; {0} were given.", "采集需要 1 至 3 张照片；实际提供 {0} 张。"),
            [BiometricReason.EnrolmentPhotosDisagree] = ("biometrics.enrolment-photos-disagree", "Enrolment photos {0} and {1} do not look like the same person (score {2}).", "第 {0} 张与第 {1} 张采集照片不像同一人（分数 {2}）。"),
            [BiometricReason.TemplateInvalid] = ("biometrics.template-invalid", "The face template is malformed: {0}.", "人脸模板格式错误：{0}。"),
            [BiometricReason.TemplateModelMismatch] = ("biometrics.template-model-mismatch", "The face template was made by another model; re-enrol the expert.", "人脸模板由其他模型生成；请重新采集。"),
            [BiometricReason.TemplateSealBroken] = ("biometrics.template-seal-broken", "The sealed face template cannot be opened (wrong key, wrong expert or altered).", "加密人脸模板无法解开（密钥或专家不符，或已被篡改）。"),
            [BiometricReason.ModelFileMismatch] = ("biometrics.model-file-mismatch", "Model file {0} is missing or differs from the pinned SHA-256.", "模型文件 {0} 缺失或与固定的 SHA-256 不符。"),
            [BiometricReason.OverrideReasonMissing] = ("biometrics.override-reason-missing", "A supervisor override needs a written reason.", "监察人员放行必须填写理由。"),
            [BiometricReason.OverrideNotNeeded] = ("biometrics.override-not-needed", "Only a refused check-in can be overridden.", "只有被拒绝的签到才能由监察人员放行。"),
            [BiometricReason.ImageDamaged] = ("biometrics.image-damaged", "The image file is truncated or damaged; take the photo again.", "图像文件不完整或已损坏；请重新拍摄。"),
            [BiometricReason.FaceBlurred] = ("biometrics.face-blurred", "The face is blurred (sharpness {0}, at least {1} is needed): hold the camera still, focus and take the photo again.", "人脸模糊（清晰度 {0}，至少需要 {1}）：请稳住相机、对焦后重新拍摄。"),
            [BiometricReason.FaceBadlyExposed] = ("biometrics.face-badly-exposed", "The face is badly lit (its brightest parts at {0} %, at least {1} % is needed; {2} % of it burnt out to white): light the face evenly and take the photo again.", "人脸曝光不当（最亮部分为 {0}%，至少需要 {1}%；过曝发白部分占 {2}%）：请均匀照亮面部后重新拍摄。"),
            [BiometricReason.FaceNotFrontal] = ("biometrics.face-not-frontal", "The face is turned to one side ({0} eye distances, at most {1}): look straight into the camera and take the photo again.", "人脸偏向一侧（偏转 {0} 个眼距，最多 {1}）：请正视镜头后重新拍摄。"),
            [BiometricReason.ChallengeFramesInvalid] = ("biometrics.challenge-frames-invalid", "The camera sequence is not usable ({0}); please try again.", "摄像头画面序列无法使用（{0}）；请重试。"),
            [BiometricReason.ChallengeFramesDisagree] = ("biometrics.challenge-frames-disagree", "The camera frames do not show the same person throughout (score {0}).", "摄像头画面中并非始终是同一人（分数 {0}）。"),
            [BiometricReason.ChallengeNotPerformed] = ("biometrics.challenge-not-performed", "The requested movement ({0}) was not seen (measured {1}, needed {2}): a photo or screen is suspected, or please try again.", "未检测到所要求的动作（{0}）（测得 {1}，需要 {2}）：疑似照片或屏幕，或请重试。"),
            [BiometricReason.ChallengeExpired] = ("biometrics.challenge-expired", "The movement request has expired or was already answered; start again.", "动作指令已过期或已使用；请重新开始。"),
        }.ToFrozenDictionary();

    /// <summary>The stable message key, e.g. <c>biometrics.no-face</c>.</summary>
    public static string Key(BiometricReason reason) => Texts[reason].Key;

    /// <summary>The message in English or Simplified Chinese (any culture whose name starts with "zh").</summary>
    public static string Format(BiometricReason reason, string cultureName, params object?[] args)
    {
        var t = Texts[reason];
        var template = cultureName.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? t.Zh : t.En;
        return string.Format(CultureInfo.InvariantCulture, template, args);
    }
}

/// <summary>A refusal with a reason code and the arguments its message needs.</summary>
public sealed class BiometricException : Exception
{
    /// <summary>Creates the exception; the English text becomes <see cref="Exception.Message"/>.</summary>
    public BiometricException(BiometricReason reason, params object?[] args)
        : base(BiometricMessages.Format(reason, "en", args))
    {
        Reason = reason;
        Arguments = args;
    }

    /// <summary>The reason code.</summary>
    public BiometricReason Reason { get; }

    /// <summary>Arguments for <see cref="BiometricMessages.Format"/>.</summary>
    public IReadOnlyList<object?> Arguments { get; }

    /// <summary>The message in the given culture.</summary>
    public string LocalizedMessage(string cultureName) => BiometricMessages.Format(Reason, cultureName, [.. Arguments]);
}
