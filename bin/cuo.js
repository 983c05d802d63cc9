#!/usr/bin/env node
'use strict';
// `cuo`: runs the compiled CLI (dist/client/cli.js, from `npm run build`) when it exists, otherwise the TypeScript
// source through tsx, so `npx cuo` works both after a build and in development. CUO_FROM_SOURCE=1 forces the
// source (tests do, so a stale build never answers for the code under test).
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const compiled = path.join(root, 'dist', 'client', 'cli.js');
const useSource = process.env.CUO_FROM_SOURCE === '1' || !fs.existsSync(compiled);

let cli;
if (useSource) {
  try {
    require('tsx/cjs');
  } catch {
    process.stderr.write('cuo: no build (dist/client/cli.js) and no tsx to run the source: run `npm run build` first.\n');
    process.exit(1);
  }
  cli = require(path.join(root, 'client', 'cli.ts'));
} else {
  cli = require(compiled);
}

cli.run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`cuo: ${err && err.stack ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  },
);
