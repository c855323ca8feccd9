// The Synapse releases installed on this machine, one virtual environment each: the pinned
// release in HOMEPORT_SYNAPSE_VENV, every other one beside it in `<that venv>-<version>`. A
// release counts as installed only once its venv was checked and marked (`.homeport-synapse-version`).
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { compareReleases, isSynapseRelease } from '../../domain/synapse-release.ts';
import type { Logger } from '../../logger.ts';
import { checkPython, runLogged, synapseEnvironment, synapseVersion as pinnedRelease, venvPython } from './synapse-venv.ts';

const run = promisify(execFile);
const marker = '.homeport-synapse-version';

export interface SynapseReleasesOptions {
  /** HOMEPORT_SYNAPSE_VENV: the pinned release's venv; the others sit beside it. */
  pinnedVenv: string;
  /** The Python that creates new venvs. */
  python: string;
  logger: Logger;
}

export class SynapseReleases {
  readonly #options: SynapseReleasesOptions;

  constructor(options: SynapseReleasesOptions) {
    this.#options = options;
  }

  venvOf(release: string): string {
    if (!isSynapseRelease(release)) throw new Error(`"${release}" is not a Synapse release (e.g. 1.163.2)`);
    return release === pinnedRelease ? this.#options.pinnedVenv : `${this.#options.pinnedVenv}-${release}`;
  }

  /** The python of an installed release; throws when the release is not installed. */
  async pythonOf(release: string): Promise<string> {
    const venv = this.venvOf(release);
    if ((await markedRelease(venv)) !== release) throw new Error(`Synapse ${release} is not installed: run \`homeport synapse install ${release}\``);
    return venvPython(venv);
  }

  /** The same as pythonOf without looking at the disk, for command lines of processes started earlier. */
  pythonPathOf(release: string): string {
    return venvPython(this.venvOf(release));
  }

  /** Every installed release, oldest first. */
  async installed(): Promise<string[]> {
    const { pinnedVenv } = this.#options;
    const prefix = `${basename(pinnedVenv)}-`;
    const siblings = (await readdir(dirname(pinnedVenv)).catch(() => [])).filter((name) => name.startsWith(prefix));
    const found: string[] = [];
    for (const venv of [pinnedVenv, ...siblings.map((name) => join(dirname(pinnedVenv), name))]) {
      const release = await markedRelease(venv);
      if (release && this.venvOf(release) === venv) found.push(release);
    }
    return found.sort(compareReleases);
  }

  /**
   * Installs exactly `matrix-synapse[postgres]==release` from the package index into the
   * release's own venv (pip checks each file against the index's sha256), then checks that the
   * venv's Synapse imports and is that release before marking it installed. Repeating is cheap.
   */
  async install(release: string): Promise<{ python: string; alreadyInstalled: boolean }> {
    const venv = this.venvOf(release);
    if ((await markedRelease(venv)) === release) return { python: venvPython(venv), alreadyInstalled: true };
    const { python, logger } = this.#options;
    const check = await checkPython(python);
    if (!check.ok) throw new Error(`${check.problem}; run \`homeport doctor\` for the install command`);
    logger.info({ venv, release }, 'installing a Synapse release into its own virtual environment');
    // `venv` keeps what an interrupted install left: pip then only fetches what is missing.
    await runLogged(python, ['-m', 'venv', venv], logger);
    await runLogged(venvPython(venv), ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `matrix-synapse[postgres]==${release}`], logger);
    const found = await importedRelease(venvPython(venv));
    if (found !== release) throw new Error(`the virtual environment ${venv} holds Synapse ${found}, not ${release}`);
    await writeFile(join(venv, marker), release + '\n');
    return { python: venvPython(venv), alreadyInstalled: false };
  }
}

/** The version of the Synapse the python imports, as its package metadata and its module both say. */
async function importedRelease(python: string): Promise<string> {
  const probe = 'import importlib.metadata as m, synapse; d = m.version("matrix-synapse"); assert synapse.__version__ == d, (synapse.__version__, d); print(d)';
  const { stdout } = await run(python, ['-c', probe], { env: synapseEnvironment(), timeout: 120_000 });
  return stdout.trim();
}

async function markedRelease(venv: string): Promise<string | undefined> {
  return readFile(join(venv, marker), 'utf8').then((text) => text.trim(), () => undefined);
}
