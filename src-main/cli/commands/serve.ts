// `packetlab serve`: the PacketLab UI in a browser, with the same host services as the desktop app.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createDispatcher } from '../../host/dispatch';
import { createHostServices } from '../../host/services';
import { defaultLabFolder, packageRoot, userDataDir } from '../../host/paths';
import { startServer } from '../../serve/server';
import { intOption, parseArgs } from '../args';
import { UsageError, type CliCommand } from '../command';

const usage = `Usage: packetlab serve [--port N] [--lab FILE] [--labs DIR] [--data DIR]

Serves PacketLab to a browser on 127.0.0.1 (never on other interfaces). Open the printed URL:
it carries a random token that changes at every launch.

Options:
  --port N     port to listen on; 0 picks any free port (default 0)
  --lab FILE   open this lab at start (its folder becomes the lab folder unless --labs is given)
  --labs DIR   the lab folder the browser may list, open and save (default ~/PacketLab)
  --data DIR   where autosave and the recent list live (default ~/.config/packetlab)`;

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'serve the PacketLab UI to a browser on 127.0.0.1',
  usage,
  async run(args, io) {
    const parsed = parseArgs(args, { port: { value: true }, lab: { value: true }, labs: { value: true }, data: { value: true }, static: { value: true } });
    if (parsed.positionals.length) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    const port = intOption(parsed, 'port', 0, 65535) ?? 0;
    const root = packageRoot();
    const staticDir = path.resolve(io.cwd, parsed.options.get('static')?.[0] ?? path.join(root, 'out/renderer'));
    if (!existsSync(path.join(staticDir, 'index.html'))) {
      io.err(`packetlab serve: the UI is not built (${staticDir} has no index.html). Run \`npm run build\` or use \`npm run serve\`.\n`);
      return 1;
    }
    const labArg = parsed.options.get('lab')?.[0];
    const labFile = labArg ? path.resolve(io.cwd, labArg) : null;
    if (labFile && !existsSync(labFile)) {
      io.err(`packetlab serve: no lab file at ${labFile}\n`);
      return 1;
    }
    const labFolder = path.resolve(io.cwd, parsed.options.get('labs')?.[0] ?? (labFile ? path.dirname(labFile) : defaultLabFolder()));
    if (labFile && path.relative(labFolder, labFile).startsWith('..')) {
      throw new UsageError(`--lab ${labArg} is outside the lab folder ${labFolder}`);
    }
    const dataDir = path.resolve(io.cwd, parsed.options.get('data')?.[0] ?? userDataDir());
    mkdirSync(labFolder, { recursive: true });
    mkdirSync(dataDir, { recursive: true });

    const services = createHostServices({
      mode: 'serve',
      dataDir,
      labFolder,
      templatesDir: path.join(root, 'topologies'),
      initialLab: labFile ? path.relative(labFolder, labFile).split(path.sep).join('/') : null,
      simulationWorker: simulationWorkerScript(),
    });
    let server;
    try {
      server = await startServer({ dispatch: createDispatcher(services), staticDir, port });
    } catch (error) {
      io.err(`packetlab serve: cannot listen on 127.0.0.1:${port}: ${(error as Error).message}\n`);
      return 1;
    }
    io.out(`PacketLab listening on ${server.url}\n`);
    io.out(`Lab folder: ${labFolder}\nPress Ctrl+C to stop.\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await server.close();
    await services.dispose();
    return 0;
  },
};

/**
 * The simulation worker bundled beside the CLI (out/cli/simulation-worker.cjs). Running from sources
 * (tests), there is none and runs stay in-process.
 */
function simulationWorkerScript(): string | undefined {
  const script = path.join(__dirname, 'simulation-worker.cjs');
  return existsSync(script) ? script : undefined;
}
