// Entry of the simulation worker thread (bundled as its own file for the app and the CLI).
import { parentPort } from 'node:worker_threads';
import { serveSimulationPort } from './simulation-port';
import { createSimulationServices } from './simulation';

if (!parentPort) throw new Error('simulation-worker must run as a worker thread');
serveSimulationPort(parentPort, createSimulationServices());
