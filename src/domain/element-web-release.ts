// Element Web releases as their publisher names them: tag `v1.11.90`, archive
// `element-v1.11.90.tar.gz` holding one folder `element-v1.11.90/`, and a detached OpenPGP
// signature next to it (`.asc`). Pure naming rules; fetching and unpacking live with the runtime.

const versionPattern = /^\d{1,4}\.\d{1,4}\.\d{1,4}(?:-rc\.\d{1,4})?$/;

/** A release version as the operator types it (`1.11.90`, also `v1.11.90`), or an error saying why not. */
export function parseElementWebVersion(text: string): string {
  const version = text.trim().replace(/^v/, '');
  if (!versionPattern.test(version)) throw new Error(`"${text}" is not an Element Web release version such as 1.11.90`);
  return version;
}

/** The version a release page's address names (`.../releases/tag/v1.11.90`), if it names one. */
export function versionFromReleaseTagUrl(url: string): string | undefined {
  const tag = /\/releases\/tag\/(v[^/?#]+)$/.exec(new URL(url).pathname)?.[1];
  if (tag === undefined) return undefined;
  try {
    return parseElementWebVersion(decodeURIComponent(tag));
  } catch {
    return undefined;
  }
}

export interface ElementWebReleaseFiles {
  /** The folder everything in the archive sits in. */
  folder: string;
  archiveUrl: string;
  signatureUrl: string;
}

/** Where a release's files are below the publisher's releases address (`https://github.com/element-hq/element-web/releases`). */
export function elementWebReleaseFiles(releasesUrl: string, version: string): ElementWebReleaseFiles {
  const base = releasesUrl.replace(/\/+$/, '');
  const folder = `element-v${version}`;
  const archiveUrl = `${base}/download/v${version}/${folder}.tar.gz`;
  return { folder, archiveUrl, signatureUrl: `${archiveUrl}.asc` };
}

/** The address that redirects to the newest release's page. */
export function latestElementWebReleaseUrl(releasesUrl: string): string {
  return `${releasesUrl.replace(/\/+$/, '')}/latest`;
}
