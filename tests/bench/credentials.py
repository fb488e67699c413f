"""Credential benchmarks: `make bench`. Writes tests/bench/reports/credentials.md and .json.

The cost of signing and verifying one credential, on the fast path (credentials/fast_rdf.py and
credentials/canonical.py) and on pyld alone as before issue 17; full verification of credentials
never seen before; 10,000 credentials issued with `credentials_issue_bulk` and 1,000 unseen ones
verified in bulk; and the verification API's latency and throughput, in process with Django's
test client (DEBUG off), on the demo learner's credential from load_demo.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.bench.run import REPORTS, configure

N = int(os.environ.get("BENCH_N", "200"))
BULK_ISSUE = int(os.environ.get("BENCH_BULK_ISSUE", "10000"))
BULK_VERIFY = 1000

# The report before issue 17 (pyld for everything), kept beside the new figures.
BEFORE = {
    "canonicalize the credential (RDFC-1.0, pyld)": 8.32,
    "check every term is defined (expand)": 6.28,
    "sign one credential (term check + 2 canonicalizations + Ed25519)": 17.6,
    "verify a credential given as JSON (full)": 12.1,
    "verify a stored credential (digest unchanged)": 0.5,
    "API GET /api/v1/credentials/{id}": 2.63,
    "API POST /api/v1/verify (full)": 15.65,
    "API POST /api/v1/verify/bulk, 1,000 ids": 398.91,
    "page /verify/{id}/": 5.44,
}


def timed(function, runs: int) -> list[float]:
    for _ in range(10):  # warm caches (pyld's context cache, the ORM) before measuring
        function()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def each_once(function, items) -> list[float]:
    """One timing per item: each call gets a document it has not seen."""
    function(items[0])
    timings = []
    for item in items:
        start = time.perf_counter()
        function(item)
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def seconds(function, runs: int = 3) -> dict:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 2), "runs": runs}


def summary(timings: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        "runs": len(timings),
    }


def main() -> None:
    os.environ.setdefault("RATE_LIMIT_VERIFY", "100000000")
    os.environ.setdefault("RATE_LIMIT_VERIFY_BULK", "100000000")
    configure()
    import hashlib
    import random
    import tempfile

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from accounts.models import User
    from credentials.canonical import fast_canonical_nquads
    from credentials.data_integrity import (
        canonical_nquads,
        proof_create,
        proof_verify,
        pyld_canonical_nquads,
        undefined_terms,
    )
    from credentials.issuer import verification_method
    from credentials.jsonld_documents import document_loader
    from credentials.models import Credential
    from credentials.multibase import multibase_decode
    from credentials.signing_keys import current_signing_key
    from credentials.verification import Verifier, verify_document, verify_stored
    from tests.credentials.generated import generated_credential

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-without-debug", stdout=open(os.devnull, "w"))  # noqa: SIM115
    credential = Credential.objects.get()
    document = credential.document
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    key, private = current_signing_key()
    loader = document_loader()
    signer = {
        "private_key": private,
        "verification_method": verification_method(key),
        "created": "2026-11-23T00:00:00Z",
        "loader": loader,
    }

    def sign():
        proof_create(unsigned, **signer)

    def pyld_hash_data(signed: dict) -> bytes:
        """Before issue 17: the term check, then pyld's two canonicalizations."""
        unsecured = {k: v for k, v in signed.items() if k != "proof"}
        assert not undefined_terms(unsecured, loader)
        options = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
        config = {"@context": unsecured["@context"], **options}
        data = hashlib.sha256(pyld_canonical_nquads(config, loader).encode()).digest()
        return data + hashlib.sha256(pyld_canonical_nquads(unsecured, loader).encode()).digest()

    def pyld_sign():
        private.sign(pyld_hash_data(document))

    def pyld_verify(signed: dict):
        public_key = private.public_key()
        public_key.verify(multibase_decode(signed["proof"]["proofValue"]), pyld_hash_data(signed))

    # Credentials nobody has verified yet: generated, signed with the demo issuer's key.
    rng = random.Random(17)

    def current(document: dict) -> dict:
        """Valid now, so that every check runs (an expired one would still be checked in full)."""
        document.pop("validUntil", None)
        return {**document, "validFrom": "2026-01-01T00:00:00Z"}

    unseen = [
        proof_create(current(generated_credential(rng)), **signer) for _ in range(BULK_VERIFY + N)
    ]
    public = {signer["verification_method"]: private.public_key()}
    for signed in unseen[:20]:
        assert verify_document(signed).status == "valid"

    results = {
        "canonicalize the credential (RDFC-1.0, fast path)": summary(
            timed(lambda: fast_canonical_nquads(unsigned, loader), N)
        ),
        "canonicalize the credential (RDFC-1.0, pyld)": summary(
            timed(lambda: pyld_canonical_nquads(unsigned, loader), N)
        ),
        "check every term is defined (expand; now only for what the fast path declines)": summary(
            timed(lambda: undefined_terms(unsigned, loader), N)
        ),
        "sign one credential (fast path + Ed25519)": summary(timed(sign, N)),
        "sign one credential, pyld only (term check + 2 canonicalizations + Ed25519)": summary(
            timed(pyld_sign, N)
        ),
        "verify the proof of an unseen credential (proof_verify, full)": summary(
            each_once(
                lambda d: proof_verify(d, public_key_for=public.__getitem__, loader=loader),
                unseen[BULK_VERIFY:],
            )
        ),
        "verify the proof of an unseen credential, pyld only (as before issue 17)": summary(
            each_once(pyld_verify, unseen[BULK_VERIFY:])
        ),
        "verify an unseen credential given as JSON (verify_document, full)": summary(
            each_once(verify_document, unseen[BULK_VERIFY:])
        ),
        "verify a credential given as JSON (full)": summary(
            timed(lambda: verify_document(document), N)
        ),
        "verify a stored credential (digest unchanged)": summary(
            timed(lambda: verify_stored(credential), N)
        ),
    }
    assert canonical_nquads(unsigned, loader) == pyld_canonical_nquads(unsigned, loader)

    def verify_bulk():
        verifier = Verifier()
        assert all(verifier.verify(d).status == "valid" for d in unseen[:BULK_VERIFY])

    bulk_results = {"verify 1,000 unseen credentials (full, one Verifier)": seconds(verify_bulk)}

    learners = User.objects.bulk_create(
        User(email=f"cohort{n}@example.org", first_name="Cohort", last_name=f"Learner {n}")
        for n in range(BULK_ISSUE)
    )
    emails = Path(tempfile.mkdtemp(prefix="rl-bench-")) / "cohort.txt"
    emails.write_text("\n".join(u.email for u in learners))
    start = time.perf_counter()
    call_command(
        "credentials_issue_bulk",
        credential.achievement.slug,
        "--by",
        "admin@example.org",
        "--emails",
        str(emails),
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    issued_in = time.perf_counter() - start
    assert Credential.objects.count() == BULK_ISSUE + 1
    bulk_results[f"issue {BULK_ISSUE:,} credentials (credentials_issue_bulk, signing included)"] = {
        "median_s": round(issued_in, 2),
        "runs": 1,
    }

    client = Client()
    api_get = f"/api/v1/credentials/{credential.pk}"
    for _ in range(20):
        client.get(api_get)
    get_timings = timed(lambda: client.get(api_get), N)
    results["API GET /api/v1/credentials/{id}"] = summary(get_timings)
    body = json.dumps(document)
    results["API POST /api/v1/verify (full)"] = summary(
        timed(lambda: client.post("/api/v1/verify", body, content_type="application/json"), 50)
    )
    bulk = json.dumps({"ids": [str(credential.pk)] * 1000})
    results["API POST /api/v1/verify/bulk, 1,000 ids"] = summary(
        timed(lambda: client.post("/api/v1/verify/bulk", bulk, content_type="application/json"), 10)
    )
    page = f"/verify/{credential.pk}/"
    # Hashed static names need collectstatic; the page is measured, not its static files.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        results["page /verify/{id}/"] = summary(timed(lambda: client.get(page), N))
    throughput = round(1000 / statistics.mean(get_timings), 1)

    REPORTS.mkdir(exist_ok=True)
    (REPORTS / "credentials.json").write_text(
        json.dumps(
            {
                "results": results,
                "bulk": bulk_results,
                "api_get_per_second_one_process": throughput,
                "before_issue_17_median_ms": BEFORE,
            },
            indent=2,
        )
    )
    lines = [
        "# Credential benchmark",
        "",
        "One Open Badges 3.0 credential from load_demo (14 competency alignments), in process, "
        "DEBUG off, SQLite. 'Unseen' credentials are generated ones (0-20 alignments), signed by "
        "the demo issuer, each verified once. Throughput is sequential requests in one process. "
        "Timings are noisy when the machine is shared.",
        "",
        "| operation | median ms | p95 ms | runs | before issue 17, median ms |",
        "|---|---|---|---|---|",
        *[
            f"| {name} | {r['median_ms']} | {r['p95_ms']} | {r['runs']} | {BEFORE.get(name, '')} |"
            for name, r in results.items()
        ],
        "",
        "| bulk | median s | runs |",
        "|---|---|---|",
        *[f"| {name} | {r['median_s']} | {r['runs']} |" for name, r in bulk_results.items()],
        "",
        f"API GET throughput: {throughput} requests/second in one process.",
        "",
        "Before issue 17 (pyld for all): sign 17.6 ms, full verify 12.1 ms, API POST verify "
        "15.65 ms (medians).",
        "",
    ]
    (REPORTS / "credentials.md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
