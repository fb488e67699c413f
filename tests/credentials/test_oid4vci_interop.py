"""A learner's credential reaches a wallet over OpenID for Verifiable Credential Issuance, as an
independent wallet client sees it: Digital Bazaar's @digitalbazaar/oid4-client
(tests/interop/wallet.mjs) redeems an offer from our site, served over HTTPS on loopback (the
client refuses anything else), proves its did:key, and receives the credential, which the
independent verifier (tests/interop/verify.mjs) then accepts."""

import datetime
import ipaddress
import json
import os
import shutil
import subprocess
from urllib.parse import parse_qs, urlsplit

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from django.urls import reverse

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from credentials.models import WalletOffer
from credentials.oid4vci import offer_create
from credentials.signing_keys import signing_key_add
from tests.credentials.factories import issued_credential
from tests.credentials.test_interop import INTEROP, REQUIRED, independent_verify

pytestmark = pytest.mark.skipif(
    not REQUIRED and not (INTEROP / "node_modules" / "@digitalbazaar" / "oid4-client").is_dir(),
    reason="the independent wallet client is not installed: npm ci --prefix tests/interop",
)


def self_signed_certificate(directory) -> tuple[str, str]:
    """A certificate for localhost and 127.0.0.1 (its own authority), and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


class TlsLiveServerThread(LiveServerThread):
    """Django's live server thread, speaking HTTPS."""

    def __init__(self, *args, certificate: tuple[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.certificate = certificate

    def _create_server(self, connections_override=None):
        import ssl

        server = super()._create_server(connections_override)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*self.certificate)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        server.base_environ["HTTPS"] = "on"  # so that Django sees a secure request
        return server


@pytest.fixture
def https_site(transactional_db, tmp_path, settings):
    """The site over HTTPS on loopback, with SITE_URL (and so our issuer) set to its address."""
    certificate = self_signed_certificate(tmp_path)
    shared = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            connection.inc_thread_sharing()
            shared[connection.alias] = connection
    thread = TlsLiveServerThread(
        "localhost", StaticFilesHandler, shared, 0, certificate=certificate
    )
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    settings.SITE_URL = f"https://localhost:{thread.port}"
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    yield certificate[0]
    thread.terminate()
    for connection in shared.values():
        connection.dec_thread_sharing()


def wallet_redeems(offer_url: str, ca_file: str) -> dict:
    node = shutil.which("node")
    assert node, "Node.js is needed to run the independent wallet client"
    completed = subprocess.run(  # noqa: S603 - fixed script, our own input
        [node, str(INTEROP / "wallet.mjs"), offer_url],
        env={**os.environ, "NODE_EXTRA_CA_CERTS": ca_file},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


def test_an_independent_wallet_receives_the_credential_bound_to_its_did(https_site, client):
    signing_key_add()
    credential = issued_credential()
    client.force_login(credential.learner)
    page = client.post(reverse("oid4vci:wallet_offer", args=[credential.pk]))
    assert page.status_code == 200
    offer_url = page.context["offer_url"]
    assert urlsplit(offer_url).scheme == "openid-credential-offer"
    assert 'alt="QR code of the wallet offer' in page.content.decode()

    received = wallet_redeems(offer_url, https_site)
    assert "error" not in received, received
    verdict = independent_verify(received["credential"])
    assert verdict["verified"], verdict["errors"]
    assert verdict["status"] == {"revocation": "clear", "suspension": "clear"}
    copy = json.loads(json.dumps(received["credential"]))
    assert copy["credentialSubject"]["id"] == received["did"]
    assert received["did"].startswith("did:key:z6Mk")
    # The same credential, bound to the wallet: only the subject's id and the proof differ.
    stored = dict(credential.document)
    for document in (copy, stored):
        document.pop("proof")
    assert {k: v for k, v in copy["credentialSubject"].items() if k != "id"} == (
        stored["credentialSubject"]
    )
    assert {k: v for k, v in copy.items() if k != "credentialSubject"} == {
        k: v for k, v in stored.items() if k != "credentialSubject"
    }


def test_an_offer_is_redeemed_once(https_site):
    signing_key_add()
    credential = issued_credential()
    offer = offer_create(credential=credential)
    assert "error" not in wallet_redeems(offer.url, https_site)
    again = wallet_redeems(offer.url, https_site)
    assert "invalid_grant" in json.dumps(again["causes"]), again
    code = json.loads(parse_qs(urlsplit(offer.url).query)["credential_offer"][0])
    assert (
        code["credential_issuer"] == f"https://localhost:{urlsplit(code['credential_issuer']).port}"
    )
    record = WalletOffer.objects.get(pk=offer.offer.pk)
    assert record.delivered_at is not None and record.holder.startswith("did:key:")
