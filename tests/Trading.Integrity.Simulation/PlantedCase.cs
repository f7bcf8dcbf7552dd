namespace Trading.Integrity.Simulation;

/// <summary>The kinds of collusion the simulator plants.</summary>
public enum CartelKind
{
    /// <summary>A fixed group bids together and takes turns winning (H1, H3).</summary>
    Rotation,
    /// <summary>Cover firms bid often alongside a favoured firm and never win (H2, H3).</summary>
    CoverBidding,
    /// <summary>Every bidder of a lot is in the cartel: tight cover prices above the designated winner (PS).</summary>
    WholeLotCover,
    /// <summary>Two bids sealed on one machine: the components the documents name are equal (L1 conclusive).</summary>
    SameMachine,
    /// <summary>Only an unnamed component (the dongle) is equal (L1 lead).</summary>
    SameMachinePartial,
    /// <summary>Two bids uploaded from one address (L1b).</summary>
    SameUploadAddress,
    /// <summary>One agent handled two bids (L2).</summary>
    SameAgent,
    /// <summary>One project manager named in two bids (L3).</summary>
    SharedProjectManager,
    /// <summary>A passage of one bid copied into another (L4a lead).</summary>
    CopiedDocuments,
    /// <summary>A bid carries another bid's file, byte for byte (L4a conclusive).</summary>
    IdenticalAttachment,
    /// <summary>Documents of two bids carry the same author (L4a lead).</summary>
    SameAuthor,
    /// <summary>Cartel prices in a regular arithmetic progression (L4b).</summary>
    RegularPriceSteps,
    /// <summary>One price list is a constant multiple of another (L4b).</summary>
    LinearPriceList,
    /// <summary>A bid's documents name another bidder (L5).</summary>
    MixedDocuments,
    /// <summary>Two bonds paid from one account (L6).</summary>
    SameBondAccount,
    /// <summary>A bond paid from an account that is not the bidder's basic account (L6).</summary>
    BondNotOwnAccount,
    /// <summary>Firms under one legal representative, or one controlling or managing the other, bid in one lot (L7).</summary>
    RelatedFirms,
    /// <summary>One outside holder controls two bidders of a lot: sister companies (L7 lead).</summary>
    CommonController,
    /// <summary>The second bid sits just above the winner's (H5).</summary>
    CloseToWinner,
    /// <summary>A firm withdraws late, repeatedly, in lots the same firm wins (H4).</summary>
    LateWithdrawal,
    /// <summary>The winner subcontracts to a firm that bid against it (H4).</summary>
    SubcontractToLoser,
    /// <summary>Four regional firms in a closed market take turns, covers 3-8 % above the designated winner (H1, H6).</summary>
    RegionalRing,
    /// <summary>Firms that add about 5 % to their prices whenever two or more of them meet in a lot (H6).</summary>
    MeetingMarkup,
    /// <summary>Two firms split a market's buyers and stay out of each other's lots (H7).</summary>
    MarketAllocation,
}

/// <summary>A planted case: the ground truth the screens are measured against.</summary>
/// <param name="CaseId">Stable id.</param>
/// <param name="Kind">What was planted.</param>
/// <param name="Indicator">The indicator expected to find it; empty for a lot that a persistent cartel took part in,
/// which no lot screen is required to find but which is not a clean lot either.</param>
/// <param name="ExpectedGrade">The grade it should be found with.</param>
/// <param name="LotId">The lot, or null for a pattern over the history.</param>
/// <param name="FirmIds">The colluding firms.</param>
public sealed record PlantedCase(string CaseId, CartelKind Kind, string Indicator, Grade ExpectedGrade, string? LotId, IReadOnlyList<string> FirmIds);
