// An independent wallet: Digital Bazaar's OID4VCI client redeems a credential offer from our site
// (pre-authorized code flow) and proves possession of a did:key it makes for the run, as a phone
// wallet does after scanning the offer's QR code.
// Input: argv[2], the offer URL (openid-credential-offer://?credential_offer=...).
// Output on stdout: {"did": ..., "credential": {...}} or {"error": ..., "causes": [...]}.
import * as Ed25519Multikey from '@digitalcredentials/ed25519-multikey';
import {OID4Client, getCredentialOffer} from '@digitalbazaar/oid4-client';

const key = await Ed25519Multikey.generate();
const did = `did:key:${key.publicKeyMultibase}`;
key.controller = did;
key.id = `${did}#${key.publicKeyMultibase}`;
const didProofSigner = key.signer();
didProofSigner.id = key.id;

function causes(error) {
  const found = [];
  for(let cause = error; cause; cause = cause.cause) {
    found.push(String(cause.message || cause) +
      (cause.data ? ` ${JSON.stringify(cause.data)}` : ''));
  }
  return found;
}

try {
  const offer = await getCredentialOffer({url: process.argv[2]});
  const client = await OID4Client.fromCredentialOffer({offer});
  const {credential} = await client.requestCredential({did, didProofSigner});
  process.stdout.write(JSON.stringify({did, credential}));
} catch(error) {
  process.stdout.write(JSON.stringify({error: String(error.message), causes: causes(error)}));
}
