// Why a connection to a customer's domain failed, in words a customer understands ("the domain
// does not exist in DNS", not "ENOTFOUND"): used wherever a check's finding quotes the failure.

const words: Record<string, string> = {
  ENOTFOUND: 'the domain does not exist in DNS',
  ENODATA: 'the domain has no such record in DNS',
  EAI_AGAIN: 'DNS did not answer; try again in a moment',
  ESERVFAIL: 'the DNS servers of the domain failed to answer',
  EREFUSED: 'the DNS servers of the domain refused to answer',
  ETIMEOUT: 'DNS did not answer in time',
  ECONNREFUSED: 'nothing accepts connections at that address and port',
  ECONNRESET: 'the server cut the connection off',
  ETIMEDOUT: 'the server did not answer in time',
  EHOSTUNREACH: 'the address cannot be reached',
  ENETUNREACH: 'the network of that address cannot be reached',
  EPROTO: 'the server does not speak HTTPS on that port',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak HTTPS on that port',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another domain',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed, not from a public certificate authority',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate is self-signed, not from a public certificate authority',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by a public certificate authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by a public certificate authority',
  UNABLE_TO_GET_ISSUER_CERT: 'its certificate is not signed by a public certificate authority',
};

/** The failure as words; a code without words of its own still reads as a sentence, with the code for support. */
export function networkErrorWords(code: string | undefined): string {
  if (!code) return 'the connection failed';
  if (words[code]) return words[code];
  if (code.startsWith('HPE_')) return "the server's answer is not valid HTTP";
  if (/CERT|SSL|TLS/.test(code)) return `its certificate was not accepted (${code})`;
  return `the connection failed (${code})`;
}

/** Whether the words say the certificate was the problem (a federation finding of its own). */
export function isCertificateFailure(detail: string): boolean {
  return /certificate/i.test(detail);
}
