// The systemd unit that runs Homeport as a service: restarts on failure, logs JSON to journald,
// and never stops the hosts when Homeport stops or restarts (the next start adopts them).

export interface ServiceUnitInput {
  /** The checkout Homeport runs from (its `homeport` script starts it). */
  repoDir: string;
  /** The system user Homeport runs as. */
  user: string;
  /** Holds HOMEPORT_* settings, one `NAME=value` a line; readable by root only. */
  environmentFile: string;
}

// systemd splits ExecStart on spaces and expands % and $: paths with those would run something else.
function checkedPath(name: string, path: string): string {
  if (!/^\/[\w./@+-]*$/.test(path)) throw new Error(`${name} must be an absolute path of letters, digits and ./@+-_ only, got "${path}"`);
  return path;
}

export function renderServiceUnit(input: ServiceUnitInput): string {
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(input.user)) throw new Error(`not a system user name: "${input.user}"`);
  const repoDir = checkedPath('the checkout', input.repoDir);
  return `# Written by \`homeport service install\`; run it again to rewrite.
[Unit]
Description=Homeport: Matrix hosting (control panel, API, jobs, edge)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${input.user}
WorkingDirectory=${repoDir}
EnvironmentFile=${checkedPath('the environment file', input.environmentFile)}
Environment=HOMEPORT_LOG_FORMAT=json
Environment=HOMEPORT_STOP_HOSTS_ON_EXIT=false
ExecStart=${repoDir}/homeport start
Restart=always
RestartSec=5
# Only Homeport's own process is stopped: Synapse, PostgreSQL and Caddy keep serving and are adopted at the next start.
KillMode=process
TimeoutStopSec=60
LimitNOFILE=65536
UMask=0077

[Install]
WantedBy=multi-user.target
`;
}

/** The environment file written once at install, never overwritten: the operator's settings live there. */
export function renderEnvironmentFile(settings: Record<string, string>): string {
  const lines = Object.entries(settings).map(([name, value]) => {
    if (/[\n\r"\\]/.test(value)) throw new Error(`${name} cannot hold newlines, quotes or backslashes`);
    return `${name}="${value}"`;
  });
  return `# Homeport's settings (see README, "Settings"); \`systemctl restart homeport\` applies changes.\n${lines.join('\n')}\n`;
}
