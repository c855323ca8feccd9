// Asks the EU's VIES (its REST API, POST {base}/check-vat-number) whether a VAT ID is registered.
// Three answers: valid (with the evidence VIES gives: request date, request identifier when VIES
// returns one, the trader's name and address), invalid (VIES does not know the number, or refuses
// it as INVALID_INPUT), or unavailable (VIES or the member state's registry cannot answer now:
// MS_UNAVAILABLE, TIMEOUT, SERVICE_UNAVAILABLE, concurrency limits, a network error or our timeout).
import { checkVatId } from '../domain/vat-id.ts';

export type ViesAnswer =
  | { kind: 'valid'; requestDate: string | null; requestIdentifier: string | null; name: string | null; address: string | null }
  | { kind: 'invalid'; reason: string }
  | { kind: 'unavailable'; reason: string };

interface ViesErrorWrapper { error?: unknown; message?: unknown }

interface ViesResponse {
  valid?: unknown;
  isValid?: unknown;
  userError?: unknown;
  requestDate?: unknown;
  requestIdentifier?: unknown;
  name?: unknown;
  address?: unknown;
  actionSucceed?: unknown;
  errorWrappers?: ViesErrorWrapper[];
}

/** VIES prints "---" for a name or address a member state does not disclose. */
const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' && value.trim() !== '---' ? value.trim() : null);

function fromErrorCode(code: string, message: string | null): ViesAnswer {
  if (code === 'INVALID_INPUT' || code === 'INVALID') return { kind: 'invalid', reason: `VIES refused the number as invalid (${code}).` };
  return { kind: 'unavailable', reason: `VIES could not check the number now (${code}${message ? `: ${message}` : ''}).` };
}

/** Checks a VAT ID with the VIES REST API at baseUrl; never throws. */
export async function checkVatIdWithVies(options: { baseUrl: string; timeoutMs: number; requesterVatId?: string | undefined }, vatId: string): Promise<ViesAnswer> {
  const { baseUrl, timeoutMs } = options;
  const check = checkVatId(vatId);
  if (!check.ok) return { kind: 'invalid', reason: check.reason };
  const url = `${baseUrl.replace(/\/+$/, '')}/check-vat-number`;
  let status: number;
  let body: ViesResponse;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        countryCode: check.prefix,
        vatNumber: check.vatId.slice(2),
        // With a requester, VIES answers a request identifier: the consultation number an audit asks for.
        ...(options.requesterVatId ? { requesterMemberStateCode: options.requesterVatId.slice(0, 2), requesterNumber: options.requesterVatId.slice(2) } : {}),
      }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = response.status;
    const raw = await response.text();
    try {
      body = JSON.parse(raw) as ViesResponse;
    } catch {
      return { kind: 'unavailable', reason: `VIES answered HTTP ${status} without JSON.` };
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    return { kind: 'unavailable', reason: name === 'TimeoutError' ? `VIES did not answer within ${timeoutMs} ms.` : 'VIES could not be reached.' };
  }
  if (body === null || typeof body !== 'object') return { kind: 'unavailable', reason: `VIES answered HTTP ${status} with something else than an object.` };
  const wrapped = Array.isArray(body.errorWrappers) ? body.errorWrappers[0] : undefined;
  if (wrapped && typeof wrapped.error === 'string') return fromErrorCode(wrapped.error, text(wrapped.message));
  const userError = text(body.userError);
  if (userError && userError !== 'VALID' && userError !== 'INVALID') return fromErrorCode(userError, null);
  const valid = typeof body.valid === 'boolean' ? body.valid : body.isValid;
  if (status < 200 || status >= 300 || typeof valid !== 'boolean') return { kind: 'unavailable', reason: `VIES answered HTTP ${status} without a result.` };
  if (!valid) return { kind: 'invalid', reason: `VIES does not know the VAT ID ${check.vatId}: the member state's registry has no such number.` };
  return { kind: 'valid', requestDate: text(body.requestDate), requestIdentifier: text(body.requestIdentifier), name: text(body.name), address: text(body.address) };
}
