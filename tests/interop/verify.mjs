// An independent verifier of the credentials our site signs: the Digital Credentials
// Consortium's libraries (VC, Data Integrity, eddsa-rdfc-2022, Bitstring Status List), offline.
// Input on stdin: {"credential": {...}, "didDocument": {...}, "statusLists": {url: {...}}}; the
// DID document and the status list credentials are all we supply — every JSON-LD context comes
// from the verifier's own bundle, and nothing is fetched.
// Output on stdout: {"verified": bool, "errors": [...], "status": {purpose: "clear"|"set"}}.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import {checkStatus} from '@digitalcredentials/vc-bitstring-status-list';

const {credential, didDocument, statusLists = {}} = JSON.parse(readFileSync(0, 'utf8'));
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
  if(url in statusLists) {
    return {contextUrl: null, documentUrl: url, document: statusLists[url]};
  }
  if(url.startsWith('did:')) {
    throw new Error(`Unknown DID ${url}: this verifier resolves only the DID it was given.`);
  }
  return bundled(url);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
const result = await vc.verifyCredential({credential, suite, documentLoader, checkStatus});
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
const status = {};
for(const entry of result.statusResult?.results || []) {
  if(entry.credentialStatus) {
    status[entry.credentialStatus.statusPurpose] = entry.verified ? 'clear' : 'set';
  }
  if(entry.error) {
    errors.push(String(entry.error.message || entry.error));
  }
}
if(result.statusResult?.error) {
  errors.push(String(result.statusResult.error.message || result.statusResult.error));
}
process.stdout.write(JSON.stringify({verified: result.verified, errors, status}) + '\n');
