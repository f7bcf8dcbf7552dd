namespace Trading.Integrity.Model;

/// <summary>A firm as registered with the centre and the supervision office (投标人登记信息).</summary>
public sealed record RegisteredFirm
{
    /// <summary>Platform id of the firm.</summary>
    public required string FirmId { get; init; }
    /// <summary>Registered name; searched for in other bidders' documents (L5).</summary>
    public required string Name { get; init; }
    /// <summary>Unified social credit code (统一社会信用代码).</summary>
    public string? CreditCode { get; init; }
    /// <summary>ID number of the legal representative (法定代表人 / 单位负责人).</summary>
    public string? LegalRepresentativeIdNumber { get; init; }
    /// <summary>Name of the legal representative, for display only.</summary>
    public string? LegalRepresentativeName { get; init; }
    /// <summary>Shareholders from the business registry.</summary>
    public IReadOnlyList<RegisteredShareholder> Shareholders { get; init; } = [];
    /// <summary>ID numbers of directors and managers (董事、高管) from the business registry.</summary>
    public IReadOnlyList<string> ManagerIdNumbers { get; init; } = [];
    /// <summary>Registered contact phones.</summary>
    public IReadOnlyList<string> Phones { get; init; } = [];
    /// <summary>Registered contact e-mail addresses.</summary>
    public IReadOnlyList<string> Emails { get; init; } = [];
    /// <summary>The firm's basic bank account (基本账户); bonds must come from it (Regulations art. 26).</summary>
    public string? BasicAccount { get; init; }
    /// <summary>Home region (where its plant and crews are); a cost covariate for the conditional price screens (H8).</summary>
    public string? Region { get; init; }
}

/// <summary>A registered shareholder; <see cref="HolderId"/> is a person's ID number or a firm's id or credit code.</summary>
public sealed record RegisteredShareholder(string HolderId, string Name, decimal SharePercent);

/// <summary>The authorised representative (授权委托人) and the accounts that handled a bid.</summary>
public sealed record BidAgent(
    string? IdNumber = null,
    string? Name = null,
    string? Phone = null,
    string? Email = null,
    string? PlatformAccount = null,
    string? CertificateHolder = null);

/// <summary>A key person named in a bid (project manager, technical lead, safety officer...).</summary>
public sealed record KeyPerson(string Role, string IdNumber, string? Name = null);

/// <summary>Machine fingerprint declared by the bid-sealing client (机器码).</summary>
public sealed record MachineFingerprint(
    string? MacAddress = null,
    string? DiskSerial = null,
    string? CpuSerial = null,
    string? DongleSerial = null);

/// <summary>Machine fingerprint components; the tender documents name which ones define "the same machine".</summary>
[Flags]
public enum MachineComponents
{
    /// <summary>No component.</summary>
    None = 0,
    /// <summary>Network card MAC address.</summary>
    MacAddress = 1,
    /// <summary>Disk serial number.</summary>
    DiskSerial = 2,
    /// <summary>CPU serial number.</summary>
    CpuSerial = 4,
    /// <summary>Cost-software dongle (加密锁) serial number.</summary>
    DongleSerial = 8,
}

/// <summary>An upload of (part of) a bid, as observed by the server.</summary>
public sealed record UploadEvent(string IpAddress, DateTimeOffset At, string? UserAgent = null);

/// <summary>A bid-bond payment as reported by the bank.</summary>
public sealed record BondPayment(string PayerAccount, decimal Amount, DateTimeOffset PaidAt, string? PayerName = null);

/// <summary>One line of a bid's priced bill of quantities.</summary>
public sealed record PriceItem(string ItemCode, decimal UnitPrice);

/// <summary>A decrypted bid attachment: its file name and bytes.</summary>
public sealed record BidAttachment(string FileName, ReadOnlyMemory<byte> Content)
{
    /// <summary>Reads a whole stream into an attachment.</summary>
    public static BidAttachment FromStream(string fileName, Stream content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        return new BidAttachment(fileName, buffer.ToArray());
    }
}

/// <summary>A bid (投标文件) as the platform holds it after opening.</summary>
public sealed record OpenedBid
{
    /// <summary>Platform id of the bid.</summary>
    public required string BidId { get; init; }
    /// <summary>The bidder.</summary>
    public required string FirmId { get; init; }
    /// <summary>Bid price (投标报价) in yuan.</summary>
    public required decimal Price { get; init; }
    /// <summary>Authorised representative and accounts.</summary>
    public BidAgent? Agent { get; init; }
    /// <summary>ID number of the project manager (项目经理).</summary>
    public string? ProjectManagerIdNumber { get; init; }
    /// <summary>Other key persons.</summary>
    public IReadOnlyList<KeyPerson> KeyPersons { get; init; } = [];
    /// <summary>Fingerprint of the machine that sealed the bid.</summary>
    public MachineFingerprint? Machine { get; init; }
    /// <summary>Server-observed uploads.</summary>
    public IReadOnlyList<UploadEvent> Uploads { get; init; } = [];
    /// <summary>Bond payments for this bid.</summary>
    public IReadOnlyList<BondPayment> BondPayments { get; init; } = [];
    /// <summary>Decrypted attachments.</summary>
    public IReadOnlyList<BidAttachment> Attachments { get; init; } = [];
    /// <summary>Priced items (工程量清单报价).</summary>
    public IReadOnlyList<PriceItem> PriceItems { get; init; } = [];
}

/// <summary>One lot (标段) after opening, with its bids and the registration data of its bidders.</summary>
public sealed record OpenedLot
{
    /// <summary>Platform id of the lot.</summary>
    public required string LotId { get; init; }
    /// <summary>The tender the lot belongs to.</summary>
    public string? TenderId { get; init; }
    /// <summary>Category used to find comparable lots in history (e.g. "works/roads").</summary>
    public string Category { get; init; } = "";
    /// <summary>Opening time.</summary>
    public DateTimeOffset? OpenedAt { get; init; }
    /// <summary>The bids.</summary>
    public IReadOnlyList<OpenedBid> Bids { get; init; } = [];
    /// <summary>Registration data of the bidders (at least those that bid).</summary>
    public IReadOnlyList<RegisteredFirm> Firms { get; init; } = [];
    /// <summary>The fingerprint components the tender documents name for "the same machine" (L1).</summary>
    public MachineComponents NamedMachineComponents { get; init; } = MachineComponents.MacAddress | MachineComponents.DiskSerial;
    /// <summary>Files the tender documents hand out (forms, bills); equal copies of these are not evidence.</summary>
    public IReadOnlyList<BidAttachment> TenderTemplates { get; init; } = [];
    /// <summary>Addresses known to be shared (the centre's own terminals); uploads from them are not compared.</summary>
    public IReadOnlyList<string> SharedNetworkAddresses { get; init; } = [];
    /// <summary>
    /// Texts that name this lot in a bid prepared for it (tender code, project and lot name). An identical attachment is
    /// conclusive only when it is bid-specific, i.e. names the lot; a file that does not is a template, a brochure or a form.
    /// </summary>
    public IReadOnlyList<string> ProjectReferences { get; init; } = [];
    /// <summary>Control price (招标控制价 / 最高投标限价) in yuan, when the tender sets one.</summary>
    public decimal? ControlPrice { get; init; }
    /// <summary>The buyer's estimate (估算价 / 预算金额) in yuan.</summary>
    public decimal? Estimate { get; init; }
    /// <summary>Region of the works or delivery (e.g. a county code).</summary>
    public string? Region { get; init; }
    /// <summary>The buyer (招标人), e.g. its credit code or platform id.</summary>
    public string? Buyer { get; init; }
}

/// <summary>Status of a bid in the centre's history.</summary>
public enum HistoricBidStatus
{
    /// <summary>Evaluated.</summary>
    Valid,
    /// <summary>Rejected by the committee.</summary>
    Rejected,
    /// <summary>Withdrawn before the deadline (a right of every bidder).</summary>
    WithdrawnBeforeDeadline,
    /// <summary>Withdrawn after the deadline (bond forfeited).</summary>
    WithdrawnAfterDeadline,
    /// <summary>Withdrawn or refused to sign after opening.</summary>
    WithdrawnAfterOpening,
}

/// <summary>A bid in the centre's history.</summary>
public sealed record HistoricBid(string FirmId, decimal Price, HistoricBidStatus Status = HistoricBidStatus.Valid);

/// <summary>A subcontract reported after award.</summary>
public sealed record Subcontract(string FromFirmId, string ToFirmId, decimal? Amount = null);

/// <summary>A past lot in the centre's history.</summary>
public sealed record HistoricLot(
    string LotId,
    string Category,
    DateTimeOffset OpenedAt,
    IReadOnlyList<HistoricBid> Bids,
    string? WinnerFirmId,
    IReadOnlyList<Subcontract>? Subcontracts = null)
{
    /// <summary>Control price (招标控制价) in yuan, when known.</summary>
    public decimal? ControlPrice { get; init; }
    /// <summary>The buyer's estimate in yuan, when known.</summary>
    public decimal? Estimate { get; init; }
    /// <summary>Region of the works.</summary>
    public string? Region { get; init; }
    /// <summary>The buyer.</summary>
    public string? Buyer { get; init; }

    /// <summary>What bids are compared with: the estimate, else the control price.</summary>
    public decimal? Reference => Estimate is > 0 ? Estimate : ControlPrice is > 0 ? ControlPrice : null;
}

/// <summary>The centre's history of lots.</summary>
public sealed record MarketHistory(IReadOnlyList<HistoricLot> Lots)
{
    /// <summary>An empty history.</summary>
    public static MarketHistory Empty { get; } = new([]);

    /// <summary>Home region of firms, by firm id (a cost covariate: distance); firms not listed have none.</summary>
    public IReadOnlyDictionary<string, string> FirmRegions { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
