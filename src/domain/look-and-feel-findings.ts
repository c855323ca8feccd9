// The rules for a host's client look and feel: which URLs may be saved at all, and what the
// validator makes of each page or image as fetched (status, content type, CORS, the welcome
// page's sign-in links). Findings never stop a save: the URL may be right although a check fails.
import type { LookAndFeel } from './element-config.ts';
import type { FetchFailure, SeenDocument } from './delegation-findings.ts';

export type LookAndFeelField = 'homeUrl' | 'welcomeUrl' | 'logoUrl' | 'welcomeBackgroundUrl';

export const lookAndFeelFields: LookAndFeelField[] = ['homeUrl', 'welcomeUrl', 'logoUrl', 'welcomeBackgroundUrl'];

export interface LookAndFeelFinding {
  severity: 'error' | 'warning';
  code: string;
  field: LookAndFeelField;
  message: string;
  fix: string;
}

export interface LookAndFeelProblem {
  field: LookAndFeelField | 'brand';
  message: string;
}

const fieldNames: Record<LookAndFeelField, string> = {
  homeUrl: 'The home page',
  welcomeUrl: 'The welcome page',
  logoUrl: 'The client logo',
  welcomeBackgroundUrl: 'The welcome background image',
};

const isPage = (field: LookAndFeelField) => field === 'homeUrl' || field === 'welcomeUrl';

export const maxBrandLength = 100;

/** Input that cannot be saved at all: not an https URL, or a brand that is no name. */
export function lookAndFeelProblems(input: LookAndFeel): LookAndFeelProblem[] {
  const problems: LookAndFeelProblem[] = [];
  for (const field of lookAndFeelFields) {
    const value = input[field];
    if (value === null) continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || url.protocol !== 'https:') {
      problems.push({ field, message: `${fieldNames[field]} must be an https:// URL (the client is served over HTTPS and browsers refuse anything else), got "${value}".` });
    } else if (url.username || url.password) {
      problems.push({ field, message: `${fieldNames[field]} URL must not contain a user name or password.` });
    }
  }
  if (input.brand !== null && (input.brand.trim() === '' || input.brand.length > maxBrandLength || /[\r\n\t]/.test(input.brand))) {
    problems.push({ field: 'brand', message: `The brand must be 1-${maxBrandLength} characters on one line.` });
  }
  return problems;
}

const failureText: Record<FetchFailure, string> = {
  'refused-address': 'its address is not public',
  'too-many-redirects': 'it redirects too many times',
  timeout: 'it did not answer in time',
  'too-large': 'it is too large',
  unreachable: 'it could not be fetched',
  'bad-url': 'it leads to an address that cannot be fetched',
};

function contentTypeFits(field: LookAndFeelField, contentType: string | undefined): boolean {
  if (isPage(field)) return /^(text\/html|application\/xhtml\+xml)\s*(;|$)/i.test(contentType ?? '');
  return /^image\/[a-z0-9.+-]+\s*(;|$)/i.test(contentType ?? '');
}

/** Links to Element Web's own login and registration screens, as the welcome page must offer them. */
function linksTo(body: string, fragment: string): boolean {
  return new RegExp(`href\\s*=\\s*["']?[^"'\\s>]*${fragment.replace(/[#/]/g, (c) => `\\${c}`)}["'\\s>]`, 'i').test(body);
}

/** Findings for one look-and-feel URL as fetched; none means it is fine. */
export function judgeLookAndFeelUrl(field: LookAndFeelField, url: string, seen: SeenDocument): LookAndFeelFinding[] {
  const name = fieldNames[field];
  const finding = (severity: LookAndFeelFinding['severity'], code: string, message: string, fix: string): LookAndFeelFinding => ({ severity, code: `${field}-${code}`, field, message, fix });
  if (!seen.ok) {
    // A big image still shows; it only loads slowly.
    if (seen.failure === 'too-large' && !isPage(field)) {
      return [finding('warning', 'too-large', `${name} at ${url} is very large, so the client loads slowly.`, 'Use a smaller image (a few hundred kilobytes at most).')];
    }
    return [finding('error', seen.failure, `${name} at ${url} was not checked: ${failureText[seen.failure]} (${seen.detail}).`, 'Publish it at a public https URL that answers quickly.')];
  }
  const last = seen.hops.at(-1);
  if (!last || last.status !== 200) {
    return [finding('error', 'status', `${name} at ${url} answers with status ${last?.status ?? 'none'} instead of 200.`, 'Check the URL: it must answer 200 with the file itself.')];
  }
  const findings: LookAndFeelFinding[] = [];
  const contentType = last.headers['content-type'];
  if (!contentTypeFits(field, contentType)) {
    findings.push(finding('error', 'content-type',
      `${name} at ${url} is served ${contentType ? `as "${contentType}"` : 'without a Content-Type'}, not as ${isPage(field) ? 'an HTML page' : 'an image'}.`,
      isPage(field) ? 'Serve an HTML page with "Content-Type: text/html".' : 'Serve an image (PNG, SVG, JPEG, WebP) with a matching image/* Content-Type.'));
  }
  if (last.headers['access-control-allow-origin']?.trim() !== '*') {
    // The client fetches its pages with script, which needs CORS; images still show without it.
    findings.push(finding(isPage(field) ? 'error' : 'warning', 'cors-missing',
      `${name} at ${url} answers without "Access-Control-Allow-Origin: *"${isPage(field) ? ', so the client cannot load it' : ''}.`,
      'Send the header "Access-Control-Allow-Origin: *" with it.'));
  }
  if (field === 'welcomeUrl') {
    for (const [screen, fragment] of [['login', '#/login'], ['register', '#/register']] as const) {
      if (!linksTo(seen.body, fragment)) {
        findings.push(finding('error', `${screen}-link-missing`, `The welcome page has no link to "${fragment}", so people cannot ${screen === 'login' ? 'sign in' : 'create an account'} from it.`,
          `Add a link such as <a href="${fragment}">${screen === 'login' ? 'Sign in' : 'Create account'}</a>.`));
      }
    }
  }
  return findings;
}
