using Trading.Integrity.Screens;
using Trading.Integrity.Model;

namespace Trading.Integrity.Tests;

public class LegalScreensTests
{
    private static readonly string[] LegalIds = ["L1", "L1b", "L2", "L3", "L6", "L7"];
    private static readonly string[] ThinIds = ["L1", "L1b", "L2", "L3", "L4a", "L5", "L6", "L7", "L4b", "H5"];

    private static IReadOnlyList<Finding> Findings(OpenedLot lot, string indicator) =>
        IntegrityScreens.ScreenLot(lot).Findings.Where(f => f.IndicatorId == indicator).ToList();

    [Fact]
    public void Unrelated_bidders_give_no_legal_finding()
    {
        var report = IntegrityScreens.ScreenLot(TestLots.Lot(6));
        Assert.DoesNotContain(report.Findings, f => f.IndicatorId is "L1" or "L1b" or "L2" or "L3" or "L6" or "L7");
        Assert.All(LegalIds,
            id => Assert.Equal(ScreenStatus.Ran, report.Outcomes.Single(o => o.IndicatorId == id).Status));
    }

    [Fact]
    public void Same_named_machine_components_are_conclusive()
    {
        var lot = TestLots.Lot(5, (i, b) => i == 4 ? b with { Machine = b.Machine! with { MacAddress = "00:1a:2b:3c:00:02", DiskSerial = "wd-000002" } } : b);
        var f = Assert.Single(Findings(lot, "L1"));
        Assert.Equal(Grade.Conclusive, f.Grade);
        Assert.Equal(["F2", "F4"], f.FirmIds);
        Assert.Contains(f.Evidence, e => e.Kind == "machine.mac" && e.BidId == "B4");
    }

    [Fact]
    public void Only_an_unnamed_component_equal_is_a_lead()
    {
        var lot = TestLots.Lot(5, (i, b) => i == 4 ? b with { Machine = b.Machine! with { DongleSerial = "DG000002" } } : b);
        var f = Assert.Single(Findings(lot, "L1"));
        Assert.Equal(Grade.Lead, f.Grade);
    }

    [Fact]
    public void Documents_can_name_the_dongle_as_the_machine_code()
    {
        var lot = TestLots.Lot(5, (i, b) => i == 4 ? b with { Machine = b.Machine! with { DongleSerial = "DG000002" } } : b)
            with { NamedMachineComponents = MachineComponents.DongleSerial };
        Assert.Equal(Grade.Conclusive, Assert.Single(Findings(lot, "L1")).Grade);
    }

    [Fact]
    public void Firmware_placeholder_serials_are_not_the_same_machine()
    {
        var lot = TestLots.Lot(4, (_, b) => b with { Machine = b.Machine! with { CpuSerial = "To be filled by O.E.M." } });
        Assert.Empty(Findings(lot, "L1"));
    }

    [Fact]
    public void Same_upload_address_is_a_lead_unless_it_is_a_known_shared_network()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 3 ? b with { Uploads = [new UploadEvent("10.1.1.2", DateTimeOffset.UnixEpoch)] } : b);
        var f = Assert.Single(Findings(lot, "L1b"));
        Assert.Equal(Grade.Lead, f.Grade);
        Assert.Equal(["F1", "F3"], f.FirmIds);
        Assert.Empty(Findings(lot with { SharedNetworkAddresses = ["10.1.1.2"] }, "L1b"));
    }

    [Fact]
    public void Same_subnet_within_minutes_is_a_lead()
    {
        var t = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero);
        var lot = TestLots.Lot(4, (i, b) => i switch
        {
            1 => b with { Uploads = [new UploadEvent("61.2.3.4", t)] },
            2 => b with { Uploads = [new UploadEvent("61.2.3.9", t.AddMinutes(3))] },
            _ => b,
        });
        var f = Assert.Single(Findings(lot, "L1b"));
        Assert.Equal("subnet", f.Basis);
    }

    [Fact]
    public void Same_authorised_representative_is_conclusive()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 3 ? b with { Agent = b.Agent! with { IdNumber = "ag000001" } } : b);
        var f = Assert.Single(Findings(lot, "L2"));
        Assert.Equal((Grade.Conclusive, "idnumber"), (f.Grade, f.Basis));
        Assert.Equal(["F1", "F3"], f.FirmIds);
    }

    [Fact]
    public void Same_agent_phone_in_another_format_is_only_a_lead()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 3 ? b with { Agent = b.Agent! with { Phone = "+86 138-0000-0001" } } : b);
        var f = Assert.Single(Findings(lot, "L2"));
        Assert.Equal(Grade.Lead, f.Grade);
        Assert.Equal(["F1", "F3"], f.FirmIds);
        Assert.Contains("138", f.Explanation.En, StringComparison.Ordinal);
        Assert.Contains("联系电话", f.Explanation.ZhCn, StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_phone_equal_to_another_firms_registered_phone_is_a_lead()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 2 ? b with { Agent = b.Agent! with { Phone = "057188000004" } } : b);
        var f = Assert.Single(Findings(lot, "L2"));
        Assert.Equal(["F2", "F4"], f.FirmIds);
        Assert.Equal(Grade.Lead, f.Grade);
    }

    [Fact]
    public void A_registration_agencys_contact_shared_by_many_registered_firms_is_no_evidence()
    {
        // Two clients of one agency register its phone and e-mail as their own contacts; so do many other firms.
        var lot = TestLots.Lot(4, firm: (i, f) => i is 1 or 2 ? f with { Phones = ["0571-66660000"], Emails = ["service@agency.cn"] } : f);
        var alone = Findings(lot, "L2");
        Assert.All(alone, f => Assert.Equal(Grade.Lead, f.Grade));
        Assert.Equal(2, alone.Count);

        var registry = RegistryBaseline.Build(lot.Firms.Concat(Enumerable.Range(20, 5).Select(i => TestLots.Firm(i) with
            { Phones = ["057166660000"], Emails = ["Service@Agency.cn "] })));
        Assert.DoesNotContain(IntegrityScreens.ScreenLot(lot, new ScreeningBaseline(null, null, registry)).Findings, f => f.IndicatorId == "L2");
    }

    [Fact]
    public void Same_project_manager_is_conclusive()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 4 ? b with { KeyPersons = [new KeyPerson("技术负责人", "pm000001")] } : b);
        var f = Assert.Single(Findings(lot, "L3"));
        Assert.Equal(Grade.Conclusive, f.Grade);
        Assert.Equal(["F1", "F4"], f.FirmIds);
    }

    [Fact]
    public void Bonds_from_one_account_and_from_a_foreign_account_are_conclusive()
    {
        var lot = TestLots.Lot(4, (i, b) => i == 2 ? b with { BondPayments = [b.BondPayments[0] with { PayerAccount = "6222000000010001" }] } : b);
        var found = Findings(lot, "L6");
        Assert.Contains(found, f => f.Basis == "same-account" && f.FirmIds.SequenceEqual(["F1", "F2"]) && f.Grade == Grade.Conclusive);
        Assert.Contains(found, f => f.Basis == "not-basic-account" && f.FirmIds.SequenceEqual(["F2"]));
        Assert.Equal(2, found.Count);
    }

    [Fact]
    public void Related_firms_are_conclusive_and_a_common_controller_is_a_lead()
    {
        var lot = TestLots.Lot(5, firm: (i, f) => i switch
        {
            2 => f with { LegalRepresentativeIdNumber = "330100198001010001" },
            3 => f with { Shareholders = [new RegisteredShareholder("91330100MA00000004", "测试第4号建设工程有限公司", 60m)] },
            5 => f with { Shareholders = [new RegisteredShareholder("P-X", "某控股人", 80m)] },
            _ => i == 1 ? f with { Shareholders = [new RegisteredShareholder("P-X", "某控股人", 51m)] } : f,
        });
        var found = Findings(lot, "L7");
        Assert.Contains(found, f => f.Basis == "legal-representative" && f.FirmIds.SequenceEqual(["F1", "F2"]) && f.Grade == Grade.Conclusive);
        Assert.Contains(found, f => f.Basis == "control" && f.FirmIds.SequenceEqual(["F3", "F4"]) && f.Grade == Grade.Conclusive);
        Assert.Contains(found, f => f.Basis == "common-controller" && f.FirmIds.SequenceEqual(["F1", "F5"]) && f.Grade == Grade.Lead);
        Assert.Equal(3, found.Count);
    }

    [Fact]
    public void A_legal_representative_managing_another_bidder_is_conclusive()
    {
        var lot = TestLots.Lot(3, firm: (i, f) => i == 3 ? f with { ManagerIdNumbers = ["330100198001010001"] } : f);
        var f = Assert.Single(Findings(lot, "L7"));
        Assert.Equal("management", f.Basis);
        Assert.Equal(["F1", "F3"], f.FirmIds);
    }

    [Fact]
    public void Missing_data_gives_not_enough_data_and_no_finding()
    {
        var lot = new OpenedLot
        {
            LotId = "THIN",
            Bids = [new OpenedBid { BidId = "a", FirmId = "A", Price = 100 }, new OpenedBid { BidId = "b", FirmId = "B", Price = 100 }],
        };
        var report = IntegrityScreens.ScreenLot(lot);
        foreach (var id in ThinIds)
        {
            var outcome = report.Outcomes.First(o => o.IndicatorId == id);
            Assert.Equal(ScreenStatus.NotEnoughData, outcome.Status);
            Assert.NotNull(outcome.Note);
        }
        // Two equal prices are still worth a look, and say so only as a lead.
        var only = Assert.Single(report.Findings);
        Assert.Equal(("PS", Grade.Lead), (only.IndicatorId, only.Grade));
        Assert.Null(report.PriceScreens.Single(p => p.Screen == "CV").Value);
    }

    [Fact]
    public void Invalid_input_is_refused_with_the_rule()
    {
        var zero = TestLots.Lot(3, (i, b) => i == 2 ? b with { Price = 0 } : b);
        var ex = Assert.Throws<IntegrityInputException>(() => IntegrityScreens.ScreenLot(zero));
        Assert.Equal("bid.price-positive", ex.Rule);
        Assert.Contains("B2", ex.Message, StringComparison.Ordinal);

        var duplicate = TestLots.Lot(3, (i, b) => i == 2 ? b with { BidId = "B1" } : b);
        Assert.Equal("bid.id-unique", Assert.Throws<IntegrityInputException>(() => IntegrityScreens.ScreenLot(duplicate)).Rule);
    }
}
