// Neo4j 5's own Cypher semantic analysis, offline.
//
// Reads a JSON array of {"name": string, "text": string} from stdin and prints a JSON
// array of {"name", "diagnostics": [{"severity", "message", "line", "character"}]} in the
// same order. Severity follows the LSP: 1 error, 2 warning, 3 information, 4 hint. Lines
// and characters are 0-based, as the linter reports them.
//
// The statements take their values as $parameters, which the linter cannot know about
// without a live database, so its "Parameter $x is not defined" diagnostics are dropped.
//
// Neo4j's semantic analysis takes tens of milliseconds a statement, so large inputs are
// split across worker threads, one per CPU.
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { lintCypherQuery } from '@neo4j-cypher/language-support';

const UNDEFINED_PARAMETER = /^Parameter \$\w+ is not defined\.?$/;
const DB_SCHEMA = { defaultLanguage: 'CYPHER 5' };
const OPTIONS = { consoleCommandsEnabled: false };
const MIN_PER_WORKER = 20;

function lint({ name, text }) {
  if (typeof name !== 'string' || typeof text !== 'string') {
    throw new TypeError(`each entry needs string "name" and "text"; got ${JSON.stringify(name)}`);
  }
  const { diagnostics } = lintCypherQuery(text, DB_SCHEMA, OPTIONS);
  return {
    name,
    diagnostics: diagnostics
      .filter((d) => !UNDEFINED_PARAMETER.test(d.message))
      .map((d) => ({
        severity: d.severity,
        message: d.message,
        line: d.range.start.line,
        character: d.range.start.character,
      })),
  };
}

function inWorker(entries) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: entries });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

async function lintAll(entries) {
  const workers = Math.min(availableParallelism(), Math.floor(entries.length / MIN_PER_WORKER));
  if (workers < 2) return entries.map(lint);
  const size = Math.ceil(entries.length / workers);
  const slices = [];
  for (let i = 0; i < entries.length; i += size) slices.push(entries.slice(i, i + size));
  return (await Promise.all(slices.map(inWorker))).flat();
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

if (isMainThread) {
  const entries = JSON.parse(await readStdin());
  if (!Array.isArray(entries)) throw new TypeError('stdin must be a JSON array');
  process.stdout.write(JSON.stringify(await lintAll(entries)) + '\n');
} else {
  parentPort.postMessage(workerData.map(lint));
}
