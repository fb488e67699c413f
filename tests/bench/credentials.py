"""Credential benchmarks: `make bench`. Writes tests/bench/reports/credentials.md and .json.

The cost of signing and verifying one credential (pure-Python RDF canonicalization is the slow
part), and the verification API's latency and throughput, in process with Django's test client
(DEBUG off), on the demo learner's credential from load_demo.
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


def timed(function, runs: int) -> list[float]:
    for _ in range(10):  # warm caches (pyld's context cache, the ORM) before measuring
        function()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


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
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    from credentials.data_integrity import canonical_nquads, proof_create, undefined_terms
    from credentials.issuer import verification_method
    from credentials.jsonld_documents import document_loader
    from credentials.models import Credential
    from credentials.signing_keys import current_signing_key
    from credentials.verification import verify_document, verify_stored

    call_command("migrate", verbosity=0)
    call_command("load_demo", "--allow-without-debug", stdout=open(os.devnull, "w"))  # noqa: SIM115
    credential = Credential.objects.get()
    document = credential.document
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    key, private = current_signing_key()
    loader = document_loader()

    def sign():
        proof_create(
            unsigned,
            private_key=private,
            verification_method=verification_method(key),
            created="2026-11-23T00:00:00Z",
            loader=loader,
        )

    results = {
        "canonicalize the credential (RDFC-1.0, pyld)": summary(
            timed(lambda: canonical_nquads(unsigned, loader), N)
        ),
        "check every term is defined (expand)": summary(
            timed(lambda: undefined_terms(unsigned, loader), N)
        ),
        "sign one credential (term check + 2 canonicalizations + Ed25519)": summary(timed(sign, N)),
        "verify a credential given as JSON (full)": summary(
            timed(lambda: verify_document(document), N)
        ),
        "verify a stored credential (digest unchanged)": summary(
            timed(lambda: verify_stored(credential), N)
        ),
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
        json.dumps({"results": results, "api_get_per_second_one_process": throughput}, indent=2)
    )
    lines = [
        "# Credential benchmark",
        "",
        "One Open Badges 3.0 credential from load_demo (14 competency alignments), in process, "
        "DEBUG off, SQLite. Throughput is sequential requests in one process.",
        "",
        "| operation | median ms | p95 ms | runs |",
        "|---|---|---|---|",
        *[
            f"| {name} | {r['median_ms']} | {r['p95_ms']} | {r['runs']} |"
            for name, r in results.items()
        ],
        "",
        f"API GET throughput: {throughput} requests/second in one process.",
        "",
    ]
    (REPORTS / "credentials.md").write_text("\n".join(lines))
    sys.stdout.write("\n".join(lines))


if __name__ == "__main__":
    main()
