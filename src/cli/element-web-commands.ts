// `homeport element-web install|status`: the web client every host serves, installed on this
// machine from its publisher's release and served at once by the running edge.
import { InvalidArgumentError, type Command } from 'commander';
import { loadConfig } from '../config.ts';
import { parseElementWebVersion } from '../domain/element-web-release.ts';
import { installedElementWeb, installElementWeb } from '../runtime/local/element-web-install.ts';

function parseVersion(value: string): string {
  try {
    return parseElementWebVersion(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function parseSha256(value: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(value)) throw new InvalidArgumentError('64 hexadecimal digits');
  return value.toLowerCase();
}

export function registerElementWebCommands(program: Command): void {
  const elementWeb = program.command('element-web').description('the Element Web client every host serves (on this machine)');

  elementWeb.command('install').description("install an Element Web release from its publisher and serve it for every host (the newest when no version is given)")
    .argument('[version]', 'release version, e.g. 1.11.90', parseVersion)
    .option('--sha256 <hex>', "the archive's SHA-256 from the publisher: checked, and required when the release has no signature", parseSha256)
    .action(async (version: string | undefined, options: { sha256?: string }) => {
      const config = loadConfig();
      if (config.elementWebDir) {
        throw new Error(`HOMEPORT_ELEMENT_WEB_DIR is set: the edge serves ${config.elementWebDir}; unset it to serve releases installed here`);
      }
      const installed = await installElementWeb({
        dataDir: config.dataDir,
        source: { releasesUrl: config.elementWebReleasesUrl, signingKeyUrl: config.elementWebSigningKeyUrl },
        version,
        sha256: options.sha256,
      });
      console.log(`Element Web ${installed.version} is installed and served for every host`);
      console.log(`sha256 ${installed.sha256}`);
      console.log(installed.signedBy ? `signature verified with key ${installed.signedBy}` : 'no published signature: the SHA-256 you gave vouched for it');
    });

  elementWeb.command('status').description('which web client the hosts serve').action(async () => {
    const config = loadConfig();
    if (config.elementWebDir) {
      console.log(`the folder HOMEPORT_ELEMENT_WEB_DIR names: ${config.elementWebDir}`);
      return;
    }
    const installed = await installedElementWeb(config.dataDir);
    if (!installed) {
      console.log('none installed: hosts show their homeserver address for any Matrix client (install one with `homeport element-web install`)');
      return;
    }
    console.log(`Element Web ${installed.version}, installed ${installed.installedAt}`);
    console.log(`sha256 ${installed.sha256}${installed.signedBy ? `, signed by ${installed.signedBy}` : ''}`);
  });
}
