#!/usr/bin/env node
// `npm start`, the README's first command after `npm install`: builds what is missing, then runs
// `docket serve --demo` on ./.docket (embedded SQLite): the server fills itself with realistic
// demo decisions (nothing is duplicated on later starts), prints its address and a key to sign
// in with, and keeps running until Ctrl-C. DOCKET_DATA_DIR and DOCKET_PORT change where.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

const dataDir = process.env.DOCKET_DATA_DIR || '.docket';
const bin = 'packages/cli/bin/docket.js';

// `npm install` builds everything (its prepare script); build again only when something is
// missing, e.g. after a clean or a pull that added a package.
const built = [
  'packages/cli/dist/main.js',
  'packages/server/dist/index.js',
  'packages/sdk/dist/index.js',
];
if (!built.every((file) => existsSync(file))) {
  console.error('docket: building (tsc -b), once…');
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-b'], {
    stdio: 'inherit',
  });
  if (tsc.status !== 0) {
    console.error('docket: the build failed (see above); fix it, or run `npm install` again');
    process.exit(tsc.status ?? 1);
  }
}

const child = spawn(process.execPath, [bin, 'serve', '--demo', '--data', dataDir], {
  stdio: ['inherit', 'inherit', 'pipe'],
});

// The server logs every request as a JSON line on stderr; here the terminal is for people, so
// only its warnings and errors pass (run `npx docket serve` for the full log).
const lines = createInterface({ input: child.stderr });
lines.on('line', (line) => {
  if (line.startsWith('{')) {
    try {
      const entry = JSON.parse(line);
      if (entry.level === 'info') return;
    } catch {
      // not a log line: show it as it is
    }
  }
  process.stderr.write(`${line}\n`);
  if (/LISTEN_FAILED/.test(line)) {
    process.stderr.write(
      'docket: is another Docket (or another program) using the port? Stop it, or start on another port: DOCKET_PORT=7421 npm start\n',
    );
  }
});

// Ctrl-C reaches the server directly (same terminal); it stops cleanly and exits 0. A SIGTERM
// sent to this script is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => {
  process.exitCode = code ?? (signal === null ? 1 : 128);
});
