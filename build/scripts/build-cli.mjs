// Bundles the CLI (src-main/cli) into out/cli/packetlab.cjs with esbuild. Run by `npm install`
// (prepare), `npm run build`, and by bin/packetlab when the bundle is missing or older than the sources.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
await build({
  // The simulation worker thread is its own file beside the CLI (src-main/host/simulation-proxy.ts).
  entryPoints: {
    packetlab: path.join(root, 'src-main/cli/index.ts'),
    'simulation-worker': path.join(root, 'src-main/host/simulation-worker.ts'),
  },
  outdir: path.join(root, 'out/cli'),
  outExtension: { '.js': '.cjs' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
  // ws has optional native speed-ups it loads with try/require; they are not installed.
  external: ['bufferutil', 'utf-8-validate'],
});
