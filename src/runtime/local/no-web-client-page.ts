// What a host's address shows while the installation has no web client: the homeserver address
// to type into any Matrix client, and clients that work with it. A file in the host's edge folder
// (edge-host-files.ts), served by Caddy's file_server with status 503.

const clients = [
  ['Element', 'https://element.io/download', 'web, Windows, macOS, Linux, Android, iOS'],
  ['Element X', 'https://element.io/app', 'Android, iOS'],
  ['FluffyChat', 'https://fluffychat.im', 'Android, iOS, web, desktop'],
  ['Cinny', 'https://cinny.in', 'web, desktop'],
  ['Nheko', 'https://nheko-reborn.github.io', 'Windows, macOS, Linux'],
] as const;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

export function noWebClientPage(homeserverUrl: string): string {
  const url = escapeHtml(homeserverUrl);
  const items = clients.map(([name, link, platforms]) => `<li><a href="${link}">${name}</a> (${platforms})</li>`).join('');
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<title>Sign in with a Matrix client</title></head><body>' +
    '<h1>Sign in with a Matrix client</h1>' +
    '<p>The web client of this server is not installed yet. This Matrix server works with any Matrix client:</p>' +
    `<p>Homeserver: <strong><code>${url}</code></strong></p>` +
    `<p>Enter this address as the homeserver when you sign in, for example in:</p><ul>${items}</ul></body></html>`;
}
