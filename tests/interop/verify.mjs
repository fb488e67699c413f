// An independent verifier of the credentials our site signs: the Digital Credentials
// Consortium's libraries (VC, Data Integrity, eddsa-rdfc-2022), offline. Input on stdin:
// {"credential": {...}, "didDocument": {...}}; the DID document is the only thing we supply —
// every JSON-LD context comes from the verifier's own bundle, and nothing is fetched.
// Output on stdout: {"verified": true|false, "errors": [...]}.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalcredentials/security-document-loader';

const {credential, didDocument} = JSON.parse(readFileSync(0, 'utf8'));
const bundled = securityLoader({fetchRemoteContexts: false}).build();

async function documentLoader(url) {
  const [did, fragment] = url.split('#');
  if(did === didDocument.id) {
    const document = fragment ?
      {
        '@context': didDocument['@context'],
        ...didDocument.verificationMethod.find(m => m.id === url)
      } :
      didDocument;
    return {contextUrl: null, documentUrl: url, document};
  }
  if(url.startsWith('did:')) {
    throw new Error(`Unknown DID ${url}: this verifier resolves only the DID it was given.`);
  }
  return bundled(url);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const result = await vc.verifyCredential({credential, suite, documentLoader});
const errors = [];
if(result.error) {
  for(const error of result.error.errors || [result.error]) {
    errors.push(String(error.message || error));
  }
}
for(const proof of result.results || []) {
  if(!proof.verified && proof.error) {
    errors.push(String(proof.error.message || proof.error));
  }
}
process.stdout.write(JSON.stringify({verified: result.verified, errors}) + '\n');
