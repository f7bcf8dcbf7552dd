using Trading.ExpertPool;

namespace Trading.ExpertPool.Tests;

public class DrawProcessTests
{
    private static readonly List<Expert> Pool = Fixtures.Pool(300);

    private static DrawRecord Committed(DrawRequest? request = null, params string[] offices)
    {
        var r = ExpertDraw.Prepare(request ?? Fixtures.Request(), Pool, Fixtures.Key, Fixtures.T0).Record;
        byte b = 1;
        foreach (var o in offices.Length == 0 ? DrawAlgorithm.Offices : offices)
        {
            r = DrawProcess.Commit(r, o, DrawAlgorithm.Commitment(r.DrawId, o, Fixtures.Value(b++)), Fixtures.T0).Record;
        }
        return r;
    }

    private static string Refused(Action step) => Assert.Throws<DrawStepRefusedException>(step).Code;

    [Fact]
    public void The_full_ceremony_selects_the_committee_and_logs_each_step()
    {
        var prep = ExpertDraw.Prepare(Fixtures.Request(), Pool, Fixtures.Key, Fixtures.T0);
        Assert.Equal(ReasonCodes.EventListCommitted, prep.Event.Reason.Code);
        Assert.Equal(prep.Eligibility.Eligible.Count, prep.Record.Eligible.Count);
        var r = prep.Record;
        var events = new List<DrawEvent>();
        byte b = 1;
        foreach (var o in DrawAlgorithm.Offices)
        {
            var t = DrawProcess.Commit(r, o, DrawAlgorithm.Commitment(r.DrawId, o, Fixtures.Value(b++)), Fixtures.T0);
            r = t.Record;
            events.AddRange(t.Events);
        }
        Assert.Equal(DrawPhase.Revealing, r.Phase);
        Assert.Equal(ReasonCodes.EventCommitmentsClosed, events[^1].Reason.Code);
        b = 1;
        foreach (var o in DrawAlgorithm.Offices)
        {
            r = DrawProcess.Reveal(r, o, Fixtures.Value(b++), Fixtures.T0).Record;
        }
        var drawn = DrawProcess.Draw(r, Fixtures.T0.AddMinutes(5));
        r = drawn.Record;
        Assert.Equal(DrawPhase.Drawn, r.Phase);
        Assert.Equal(ReasonCodes.EventDrawn, Assert.Single(drawn.Events).Reason.Code);
        var committee = DrawProcess.Committee(r);
        Assert.Equal(6, committee.Count);
        Assert.Equal(4, committee.Count(c => c.Stratum == "1-tech"));
        var ids = committee.Select(c => prep.ExpertIdByPseudonym[c.Pseudonym]).ToList();
        Assert.Equal(6, ids.Distinct().Count());
        var byId = Pool.ToDictionary(e => e.Id);
        Assert.All(committee.Where(c => c.Stratum == "2-econ"), c => Assert.Equal("economics", byId[prep.ExpertIdByPseudonym[c.Pseudonym]].Specialties[0].Category));
        Assert.True(DrawVerifier.Verify(r).Ok);
    }

    [Fact]
    public void The_same_inputs_give_the_same_committee_and_different_reveals_a_different_one()
    {
        var a = Fixtures.Drawn(Fixtures.Request(), Pool).Record;
        var b = Fixtures.Drawn(Fixtures.Request(), Pool).Record;
        var c = Fixtures.Drawn(Fixtures.Request(), Pool, salt: 9).Record;
        Assert.Equal(DrawProcess.Committee(a), DrawProcess.Committee(b));
        Assert.NotEqual(a.Seed, c.Seed);
        Assert.NotEqual(a.Strata[0].Order, c.Strata[0].Order);
    }

    [Fact]
    public void A_reveal_that_does_not_match_its_commitment_is_refused()
    {
        var r = Committed();
        var ex = Assert.Throws<DrawStepRefusedException>(() => DrawProcess.Reveal(r, "centre", Fixtures.Value(99), Fixtures.T0));
        Assert.Equal(ReasonCodes.RevealMismatch, ex.Code);
        Assert.Equal("centre", ex.Reason.Args["office"]);
        // Another office's value is not this office's either: the office is bound into the commitment.
        Assert.Equal(ReasonCodes.RevealMismatch, Refused(() => DrawProcess.Reveal(r, "centre", Fixtures.Value(1), Fixtures.T0)));
    }

    [Fact]
    public void Steps_out_of_order_are_refused()
    {
        var open = ExpertDraw.Prepare(Fixtures.Request(), Pool, Fixtures.Key, Fixtures.T0).Record;
        Assert.Equal(ReasonCodes.WrongPhase, Refused(() => DrawProcess.Reveal(open, "owner", Fixtures.Value(3), Fixtures.T0)));
        Assert.Equal(ReasonCodes.WrongPhase, Refused(() => DrawProcess.Draw(open, Fixtures.T0)));
        Assert.Equal(ReasonCodes.NoCommitments, Refused(() => DrawProcess.CloseCommitments(open, Fixtures.T0)));
        Assert.Equal(ReasonCodes.UnknownOffice, Refused(() => DrawProcess.Commit(open, "bidder", new string('a', 64), Fixtures.T0)));
        Assert.Equal(ReasonCodes.CommitmentMalformed, Refused(() => DrawProcess.Commit(open, "owner", "abc", Fixtures.T0)));
        var one = DrawProcess.Commit(open, "owner", new string('a', 64), Fixtures.T0).Record;
        Assert.Equal(ReasonCodes.DuplicateCommitment, Refused(() => DrawProcess.Commit(one, "owner", new string('b', 64), Fixtures.T0)));
        var drawn = Fixtures.Drawn(Fixtures.Request(), Pool).Record;
        Assert.Equal(ReasonCodes.WrongPhase, Refused(() => DrawProcess.Commit(drawn, "owner", new string('a', 64), Fixtures.T0)));
        Assert.Equal(ReasonCodes.WrongPhase, Refused(() => DrawProcess.Draw(drawn, Fixtures.T0)));
    }

    [Fact]
    public void Short_values_and_duplicate_reveals_are_refused()
    {
        var open = ExpertDraw.Prepare(Fixtures.Request(), Pool, Fixtures.Key, Fixtures.T0).Record;
        var shortValue = new byte[8];
        var r = DrawProcess.Commit(open, "owner", DrawAlgorithm.Commitment(open.DrawId, "owner", shortValue), Fixtures.T0).Record;
        r = DrawProcess.CloseCommitments(r, Fixtures.T0).Record;
        Assert.Equal(ReasonCodes.RevealTooShort, Refused(() => DrawProcess.Reveal(r, "owner", shortValue, Fixtures.T0)));
        var full = Committed();
        full = DrawProcess.Reveal(full, "owner", Fixtures.Value(3), Fixtures.T0).Record;
        Assert.Equal(ReasonCodes.DuplicateReveal, Refused(() => DrawProcess.Reveal(full, "owner", Fixtures.Value(3), Fixtures.T0)));
        var ownerOnly = DrawProcess.CloseCommitments(Committed(null, "owner"), Fixtures.T0).Record;
        Assert.Equal(ReasonCodes.NotCommitted, Refused(() => DrawProcess.Reveal(ownerOnly, "centre", Fixtures.Value(2), Fixtures.T0)));
    }

    [Fact]
    public void Only_the_draw_is_awaited_once_every_committed_office_revealed_and_the_named_beacon_is_in()
    {
        var open = ExpertDraw.Prepare(Fixtures.Request(), Pool, Fixtures.Key, Fixtures.T0).Record;
        Assert.False(DrawProcess.AwaitsOnlyTheDraw(open));
        var r = Committed();
        Assert.False(DrawProcess.AwaitsOnlyTheDraw(r));
        r = DrawProcess.Reveal(r, "supervision", Fixtures.Value(1), Fixtures.T0).Record;
        r = DrawProcess.Reveal(r, "centre", Fixtures.Value(2), Fixtures.T0).Record;
        Assert.False(DrawProcess.AwaitsOnlyTheDraw(r));
        r = DrawProcess.Reveal(r, "owner", Fixtures.Value(3), Fixtures.T0).Record;
        Assert.True(DrawProcess.AwaitsOnlyTheDraw(r));
        Assert.False(DrawProcess.AwaitsOnlyTheDraw(DrawProcess.Draw(r, Fixtures.T0).Record));

        // Only the offices that committed count; a named beacon round must be in as well.
        var ownerOnly = DrawProcess.CloseCommitments(Committed(null, "owner"), Fixtures.T0).Record;
        Assert.True(DrawProcess.AwaitsOnlyTheDraw(DrawProcess.Reveal(ownerOnly, "owner", Fixtures.Value(1), Fixtures.T0).Record));
        var beacon = Committed(Fixtures.Request(beaconRound: "drand:quicknet:9000000"));
        byte b = 1;
        foreach (var o in DrawAlgorithm.Offices) beacon = DrawProcess.Reveal(beacon, o, Fixtures.Value(b++), Fixtures.T0).Record;
        Assert.False(DrawProcess.AwaitsOnlyTheDraw(beacon));
        beacon = DrawProcess.SetBeacon(beacon, new BeaconValue("drand:quicknet:9000000", new string('c', 64), "manual"), Fixtures.T0).Record;
        Assert.True(DrawProcess.AwaitsOnlyTheDraw(beacon));
    }

    [Fact]
    public void Typed_office_values_are_parsed_or_refused()
    {
        Assert.Equal(Fixtures.Value(0xab), DrawProcess.ParseOfficeValue("owner", string.Join(" ", Enumerable.Repeat("ABAB-abab", 8))));
        var ex = Assert.Throws<DrawStepRefusedException>(() => DrawProcess.ParseOfficeValue("owner", "1234"));
        Assert.Equal(ReasonCodes.RevealTooShort, ex.Code);
        Assert.Equal("2", ex.Reason.Args["bytes"]);
        Assert.Equal(ReasonCodes.RevealTooShort, Assert.Throws<DrawStepRefusedException>(() => DrawProcess.ParseOfficeValue("owner", new string('z', 40))).Code);
    }

    [Fact]
    public void A_missing_reveal_is_logged_and_dropped()
    {
        var r = Committed();
        r = DrawProcess.Reveal(r, "supervision", Fixtures.Value(1), Fixtures.T0).Record;
        r = DrawProcess.Reveal(r, "owner", Fixtures.Value(3), Fixtures.T0).Record;
        var t = DrawProcess.Draw(r, Fixtures.T0);
        Assert.Equal(["centre"], t.Record.MissingReveals);
        Assert.Equal(ReasonCodes.EventRevealMissing, t.Events[0].Reason.Code);
        Assert.Equal("centre", t.Events[0].Reason.Args["office"]);
        Assert.True(DrawVerifier.Verify(t.Record).Ok);
        // Dropping changes the seed relative to all three revealing.
        Assert.NotEqual(Fixtures.Drawn(Fixtures.Request(), Pool).Record.Seed, t.Record.Seed);
    }

    [Fact]
    public void No_reveal_and_no_beacon_gives_no_draw()
    {
        var r = Committed();
        Assert.Equal(ReasonCodes.NoEntropy, Refused(() => DrawProcess.Draw(r, Fixtures.T0)));
    }

    [Fact]
    public async Task A_named_beacon_round_is_required_and_must_match()
    {
        var request = Fixtures.Request(beaconRound: "drand:quicknet:9000000");
        var r = Committed(request);
        r = DrawProcess.Reveal(r, "owner", Fixtures.Value(3), Fixtures.T0).Record;
        Assert.Equal(ReasonCodes.BeaconRequired, Refused(() => DrawProcess.Draw(r, Fixtures.T0)));
        Assert.Equal(ReasonCodes.BeaconRoundMismatch, Refused(() => DrawProcess.SetBeacon(r, new BeaconValue("drand:quicknet:9000001", new string('c', 64), "manual"), Fixtures.T0)));
        Assert.Equal(ReasonCodes.BeaconMalformed, Refused(() => DrawProcess.SetBeacon(r, new BeaconValue("drand:quicknet:9000000", "xyz", "manual"), Fixtures.T0)));
        var source = new ManualBeaconSource("drand:quicknet:9000000", new string('C', 64), "staff-7");
        var value = await source.GetAsync("drand:quicknet:9000000", TestContext.Current.CancellationToken);
        var withBeacon = DrawProcess.SetBeacon(r, value, Fixtures.T0).Record;
        var drawn = DrawProcess.Draw(withBeacon, Fixtures.T0).Record;
        Assert.Equal(new string('c', 64), drawn.Beacon!.Value);
        Assert.Equal("manual:staff-7", drawn.Beacon.Source);
        Assert.True(DrawVerifier.Verify(drawn).Ok);
        var other = DrawProcess.Draw(DrawProcess.SetBeacon(r, value with { Value = new string('d', 64) }, Fixtures.T0).Record, Fixtures.T0).Record;
        Assert.NotEqual(drawn.Seed, other.Seed);
    }

    [Fact]
    public void Replacement_takes_the_next_reserve_never_a_redraw()
    {
        var r = Fixtures.Drawn(Fixtures.Request(), Pool).Record;
        var tech = r.Strata.Single(s => s.Stratum == "1-tech");
        var reserve = tech.Order.Select(i => r.Eligible[i].Pseudonym).Where(p => !r.Strata.SelectMany(s => s.Selected).Contains(p)).ToList();
        var leaving = tech.Selected[1];
        var t = DrawProcess.Replace(r, leaving, ReplacementReason.Declined, "illness", Fixtures.T0.AddHours(1));
        var rep = Assert.Single(t.Record.Replacements);
        Assert.Equal(reserve[0], rep.In);
        Assert.Equal(ReasonCodes.EventReplaced, t.Events[0].Reason.Code);
        var committee = DrawProcess.Committee(t.Record);
        Assert.DoesNotContain(committee, c => c.Pseudonym == leaving);
        Assert.Equal(reserve[0], committee.Single(c => c.Stratum == "1-tech" && !tech.Selected.Contains(c.Pseudonym)).Pseudonym);
        // The replacement's own departure brings the one after it, and the seed is untouched.
        var t2 = DrawProcess.Replace(t.Record, reserve[0], ReplacementReason.ConflictFound, null, Fixtures.T0.AddHours(2));
        Assert.Equal(reserve[1], t2.Record.Replacements[1].In);
        Assert.Equal(r.Seed, t2.Record.Seed);
        Assert.True(DrawVerifier.Verify(t2.Record).Ok);
        // The one who left cannot leave again.
        Assert.Equal(ReasonCodes.NotServing, Refused(() => DrawProcess.Replace(t2.Record, leaving, ReplacementReason.NoAnswer, null, Fixtures.T0)));
    }

    [Fact]
    public void Declining_needs_a_reason_declared_before_the_draw()
    {
        var r = Fixtures.Drawn(Fixtures.Request(), Pool).Record;
        var p = r.Strata[0].Selected[0];
        Assert.Equal(ReasonCodes.DeclineReasonUndeclared, Refused(() => DrawProcess.Replace(r, p, ReplacementReason.Declined, "too-busy", Fixtures.T0)));
        Assert.Equal(ReasonCodes.DeclineReasonUndeclared, Refused(() => DrawProcess.Replace(r, p, ReplacementReason.Declined, null, Fixtures.T0)));
        Assert.Equal(ReasonCodes.DeclineReasonUndeclared, Refused(() => DrawProcess.Replace(r, p, ReplacementReason.NoAnswer, "illness", Fixtures.T0)));
    }

    [Fact]
    public void A_second_draw_for_the_lot_is_refused_until_a_supervisor_voids_the_first()
    {
        var first = Fixtures.Drawn(Fixtures.Request(), Pool).Record;
        var ex = Assert.Throws<DrawStepRefusedException>(() => ExpertDraw.EnsureNoStandingDraw("T-2026-001", "L1", [first]));
        Assert.Equal(ReasonCodes.SecondDraw, ex.Code);
        Assert.Equal(first.DrawId, ex.Reason.Args["existing"]);
        ExpertDraw.EnsureNoStandingDraw("T-2026-001", "L2", [first]);
        Assert.Equal(ReasonCodes.VoidReasonMissing, Refused(() => DrawProcess.Void(first, "sup-1", " ", Fixtures.T0)));
        var voided = DrawProcess.Void(first, "sup-1", "evaluation date moved", Fixtures.T0);
        Assert.Equal(ReasonCodes.EventVoided, voided.Events[0].Reason.Code);
        ExpertDraw.EnsureNoStandingDraw("T-2026-001", "L1", [voided.Record]);
        Assert.Equal(ReasonCodes.WrongPhase, Refused(() => DrawProcess.Replace(voided.Record, first.Strata[0].Selected[0], ReplacementReason.NoAnswer, null, Fixtures.T0)));
    }
}
