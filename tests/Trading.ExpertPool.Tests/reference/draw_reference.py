#!/usr/bin/env python3
"""Independent re-implementation of docs/expert-draw.md (algorithm trading/draw/v1), standard library only.

Usage:
  draw_reference.py verify RECORD.json   recompute a draw record and print the first step that differs
  draw_reference.py vector               print docs/test-vectors/draw-v1.json (inputs and expected values)
  draw_reference.py check VECTOR.json    recompute a vector's expected values from its inputs

Written from the document, not from the C# code, so that agreement between the two shows the
document is precise enough to re-implement the verifier.
"""
import hashlib
import hmac
import json
import struct
import sys

OFFICES = ["supervision", "centre", "owner"]


def u32(n):
    return struct.pack(">I", n)


def u64(n):
    return struct.pack(">Q", n)


def flag(b):
    return b"\x01" if b else b"\x00"


def enc(x):
    if isinstance(x, str):
        x = x.encode("utf-8")
    return u32(len(x)) + x


def sha(data):
    return hashlib.sha256(data).digest()


def pseudonym(key, draw_id, expert_id):
    return hmac.new(key, enc("trading/draw/pseudonym/v1") + enc(draw_id) + enc(expert_id), hashlib.sha256).hexdigest()


def bidders_digest(key, draw_id, bidders):
    ids = sorted(set(bidders), key=lambda s: s.encode("utf-16-be"))
    msg = enc("trading/draw/bidders/v1") + enc(draw_id) + u32(len(ids)) + b"".join(enc(b) for b in ids)
    return hmac.new(key, msg, hashlib.sha256).hexdigest()


def request_hash(r):
    rules = r["rules"]
    m = enc("trading/draw/request/v1") + enc(r["drawId"]) + enc(r["tenderId"]) + enc(r["lotId"]) + enc(r["ownerId"]) + enc(r["biddersDigest"])
    m += enc(r["evaluationDate"]) + enc(r["evaluationPlace"]) + u32(r["committeeSize"]) + u32(r["ownerRepresentativeSeats"])
    m += u32(rules["minYearsOfExperience"]) + enc(rules["minTitle"]) + u32(rules["retirementAge"])
    m += u32(rules["formerEmployerWindowYears"]) + u32(rules["ownerCooldownDays"]) + u32(rules["minCommitteeSize"])
    m += u32(len(r["strata"]))
    for s in r["strata"]:
        m += enc(s["id"]) + enc(s["kind"]) + u32(s["count"]) + u32(len(s["specialties"])) + b"".join(enc(p) for p in s["specialties"])
        if s.get("region") is None:
            m += flag(False)
        else:
            m += flag(True) + enc(s["region"]["mode"]) + u32(len(s["region"]["regions"])) + b"".join(enc(x) for x in s["region"]["regions"])
    m += u32(len(r["declineReasons"])) + b"".join(enc(d) for d in r["declineReasons"])
    m += flag(False) if r.get("beaconRound") is None else flag(True) + enc(r["beaconRound"])
    return sha(m).hex()


def list_hash(draw_id, entries):
    m = enc("trading/draw/list/v1") + enc(draw_id) + u32(len(entries))
    for e in entries:
        m += enc(bytes.fromhex(e["pseudonym"])) + u32(len(e["strata"])) + b"".join(enc(s) for s in e["strata"])
    return sha(m).hex()


def commitment(draw_id, office, value):
    return sha(enc("trading/draw/commit/v1") + enc(draw_id) + enc(office) + enc(value)).hex()


def seed(draw_id, list_hash_hex, request_hash_hex, reveals, beacon_round, beacon_value):
    m = enc("trading/draw/v1") + enc(draw_id) + enc(bytes.fromhex(list_hash_hex)) + enc(bytes.fromhex(request_hash_hex))
    for o in OFFICES:
        m += enc(o)
        m += flag(True) + enc(reveals[o]) if o in reveals else flag(False)
    if beacon_round is not None and beacon_value is not None:
        m += flag(True) + enc(beacon_round) + enc(beacon_value)
    else:
        m += flag(False)
    return sha(m)


class Stream:
    def __init__(self, seed_bytes, stratum):
        self.key, self.prefix, self.counter, self.words = seed_bytes, enc(stratum), 0, []

    def word(self):
        if not self.words:
            block = hmac.new(self.key, self.prefix + u64(self.counter), hashlib.sha256).digest()
            self.counter += 1
            self.words = [int.from_bytes(block[i:i + 8], "big") for i in range(0, 32, 8)]
        return self.words.pop(0)

    def below(self, m):
        r = (1 << 64) % m
        while True:
            x = self.word()
            if r == 0 or x < (1 << 64) - r:
                return x % m


def permutation(seed_bytes, stratum, n):
    a = list(range(n))
    s = Stream(seed_bytes, stratum)
    for i in range(n - 1):
        j = i + s.below(n - i)
        a[i], a[j] = a[j], a[i]
    return a


def draw(seed_bytes, strata, entries):
    taken, out = set(), []
    for s in sorted(strata, key=lambda s: s["id"]):
        members = [i for i, e in enumerate(entries) if s["id"] in e["strata"]]
        perm = permutation(seed_bytes, s["id"], len(members))
        order = [members[p] for p in perm]
        selected = []
        for idx in order:
            if len(selected) == s["count"]:
                break
            if idx not in taken:
                taken.add(idx)
                selected.append(idx)
        out.append((s["id"], order, selected))
    return out


def verify(rec):
    def fail(step, why):
        return f"FAIL {step}: {why}"
    req = rec["request"]
    if rec["format"] != "trading/expert-draw-record/v1" or rec["algorithm"] != "trading/draw/v1" or req["drawId"] != rec["drawId"]:
        return fail("format", "names or draw id")
    if request_hash(req) != rec["requestHash"]:
        return fail("request-hash", f"recorded {rec['requestHash']} computed {request_hash(req)}")
    ents = rec["eligible"]
    if any(ents[i]["pseudonym"] >= ents[i + 1]["pseudonym"] for i in range(len(ents) - 1)):
        return fail("list-order", "pseudonyms not ascending")
    if list_hash(rec["drawId"], ents) != rec["listHash"]:
        return fail("list-hash", "differs")
    commits = {c["office"]: c["commitment"] for c in rec["commitments"]}
    reveals = {}
    for v in rec["reveals"]:
        value = bytes.fromhex(v["value"])
        if commitment(rec["drawId"], v["office"], value) != commits.get(v["office"]):
            return fail("commitments", f"reveal of {v['office']} does not match")
        reveals[v["office"]] = value
    if rec.get("seed") is None:
        return "OK (not drawn yet)"
    b = rec.get("beacon")
    sd = seed(rec["drawId"], rec["listHash"], rec["requestHash"], reveals, b and b["round"], b and bytes.fromhex(b["value"]))
    if sd.hex() != rec["seed"]:
        return fail("seed", f"recorded {rec['seed']} computed {sd.hex()}")
    outcome = draw(sd, req["strata"], ents)
    for (sid, order, selected), got in zip(outcome, rec["strata"]):
        if got["stratum"] != sid or got["order"] != order:
            return fail("ordering", f"stratum {sid}")
        if got["selected"] != [ents[i]["pseudonym"] for i in selected]:
            return fail("selection", f"stratum {sid}")
    used = {ents[i]["pseudonym"] for _, _, sel in outcome for i in sel}
    serving = {ents[i]["pseudonym"]: sid for sid, _, sel in outcome for i in sel}
    orders = {sid: order for sid, order, _ in outcome}
    for k, rep in enumerate(rec["replacements"]):
        if rep["seq"] != k + 1 or serving.get(rep["out"]) != rep["stratum"]:
            return fail("replacements", f"seq {rep['seq']}: not serving")
        nxt = next((ents[i]["pseudonym"] for i in orders[rep["stratum"]] if ents[i]["pseudonym"] not in used | {rep["out"]}), None)
        if nxt != rep["in"]:
            return fail("replacements", f"seq {rep['seq']}: expected {nxt}")
        used.add(rep["out"])
        del serving[rep["out"]]
        if nxt is not None:
            used.add(nxt)
            serving[nxt] = rep["stratum"]
    return "OK"


def vector_inputs():
    """The inputs of docs/test-vectors/draw-v1.json (the secrets are public labels: for testing only)."""
    return {
        "key": bytes(range(1, 33)).hex(),
        "pseudonym": {"drawId": "D-1", "expertId": "E000001"},
        "biddersDigest": {"drawId": "D-1", "bidders": ["bidder-b", "bidder-a", "bidder-a"]},
        "commitment": {"drawId": "D-1", "office": "owner", "value": bytes(range(32)).hex()},
        "request": {
            "drawId": "D-1", "tenderId": "T-1", "lotId": "L1", "ownerId": "owner-1", "biddersDigest": "ab" * 32,
            "evaluationDate": "2026-12-15", "evaluationPlace": "room-3", "committeeSize": 7, "ownerRepresentativeSeats": 1,
            "rules": {"minYearsOfExperience": 8, "minTitle": "senior", "retirementAge": 70, "formerEmployerWindowYears": 3, "ownerCooldownDays": 30, "minCommitteeSize": 5},
            "strata": [
                {"id": "1-tech", "kind": "technical", "specialties": ["construction/*"], "count": 4, "region": None},
                {"id": "2-econ", "kind": "economic", "specialties": ["economics/cost", "economics/bidding"], "count": 2, "region": {"mode": "outside", "regions": ["zj/hz"]}},
            ],
            "declineReasons": ["illness", "travel"], "beaconRound": "drand:quicknet:77",
        },
        "entries": [{"pseudonym": f"{i:02x}" * 32, "strata": ["1-tech"] if i % 3 else ["1-tech", "2-econ"]} for i in range(1, 13)],
        "reveals": {"supervision": bytes([1] * 32).hex(), "owner": bytes([3] * 32).hex()},
        "beacon": {"round": "drand:quicknet:77", "value": bytes([0xee] * 32).hex()},
        "permutation": {"stratum": "1-tech", "n": 12},
        # Word order within and across blocks: 6 draws span two HMAC blocks.
        "stream": {"stratum": "big", "below": 1000, "count": 6},
    }


def vector_outputs(v):
    """Every expected value of the vector, computed from its inputs by this reference."""
    key = bytes.fromhex(v["key"])
    req, entries = v["request"], v["entries"]
    rh = request_hash(req)
    lh = list_hash(req["drawId"], entries)
    reveals = {o: bytes.fromhex(x) for o, x in v["reveals"].items()}
    sd = seed(req["drawId"], lh, rh, reveals, v["beacon"]["round"], bytes.fromhex(v["beacon"]["value"]))
    s = Stream(sd, v["stream"]["stratum"])
    return {
        "pseudonym": pseudonym(key, v["pseudonym"]["drawId"], v["pseudonym"]["expertId"]),
        "biddersDigest": bidders_digest(key, v["biddersDigest"]["drawId"], v["biddersDigest"]["bidders"]),
        "commitment": commitment(v["commitment"]["drawId"], v["commitment"]["office"], bytes.fromhex(v["commitment"]["value"])),
        "requestHash": rh,
        "listHash": lh,
        "seed": sd.hex(),
        "permutation": permutation(sd, v["permutation"]["stratum"], v["permutation"]["n"]),
        "stream": [s.below(v["stream"]["below"]) for _ in range(v["stream"]["count"])],
        "draw": [{"stratum": sid, "order": order, "selected": selected} for sid, order, selected in draw(sd, req["strata"], entries)],
    }


def vector():
    v = vector_inputs()
    doc = {"algorithm": "trading/draw/v1", "comment": "Inputs and every intermediate value of docs/expert-draw.md, "
           "computed by tests/Trading.ExpertPool.Tests/reference/draw_reference.py and checked by the C# TestVectorTests.",
           "inputs": v, "expected": vector_outputs(v)}
    print(json.dumps(doc, indent=2, ensure_ascii=False))


def check(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    got = vector_outputs(doc["inputs"])
    bad = [k for k in doc["expected"] if doc["expected"][k] != got.get(k)]
    print("OK" if not bad else "differs: " + ", ".join(bad))
    return not bad


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "verify":
        with open(sys.argv[2], encoding="utf-8") as f:
            result = verify(json.load(f))
        print(result)
        sys.exit(0 if result.startswith("OK") else 1)
    elif len(sys.argv) == 2 and sys.argv[1] == "vector":
        vector()
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(0 if check(sys.argv[2]) else 1)
    else:
        print(__doc__)
        sys.exit(2)
