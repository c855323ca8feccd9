// Archives written exactly as asked, headers and all, as a hostile tool would write them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes a gzip tar or a zip with exactly the given entries, headers as a hostile tool would
 * write them (Python's tarfile and zipfile write any type, name and size asked for).
 */
const writer = `
import json, sys, tarfile, zipfile, io, gzip
kind, target, spec = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if kind == "zip":
    with zipfile.ZipFile(target, "w") as z:
        for e in spec:
            info = zipfile.ZipInfo(e["name"])
            if e.get("symlink"):
                info.external_attr = (0o120777 << 16)
            z.writestr(info, e.get("data", ""))
else:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as t:
        for e in spec:
            info = tarfile.TarInfo(e["name"])
            info.type = {"file": tarfile.REGTYPE, "dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "link": tarfile.LNKTYPE, "chr": tarfile.CHRTYPE}[e["type"]]
            info.linkname = e.get("linkname", "")
            data = e.get("data", "").encode()
            if "claimed" in e:
                # Only the header: the size it claims is never written.
                info.size = e["claimed"]
                t.fileobj.write(info.tobuf(t.format, t.encoding, t.errors))
                t.fileobj.write(b"x" * 512)
                continue
            info.size = len(data)
            t.addfile(info, io.BytesIO(data) if data else None)
    with gzip.open(target, "wb") as g:
        g.write(raw.getvalue())
`;

export interface Entry { name: string; type?: 'file' | 'dir' | 'symlink' | 'link' | 'chr'; linkname?: string; data?: string; claimed?: number; symlink?: boolean }

export async function writeArchive(kind: 'tar' | 'zip', target: string, entries: Entry[]): Promise<void> {
  await run('python3', ['-c', writer, kind, target, JSON.stringify(entries)]);
}

