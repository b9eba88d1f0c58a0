/**
 * The calling side of the synchronous bridge to node-postgres: each thread that uses PostGIS
 * starts one helper thread (postgis-client-worker.ts), posts it a request and blocks in
 * `Atomics.wait` until the helper has posted the answer and raised a shared flag; the answer
 * is then taken off the port with `receiveMessageOnPort`. One request is in flight per thread
 * at a time, so no request IDs are needed.
 *
 * Written on Node's own primitives rather than with synckit: synckit starts the worker from
 * the `.ts` file itself, which tsx cannot load as a worker's entry on Node 20.
 * @module data/postgis/postgis-client-thread
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ClientRequest, ClientResponse } from './postgis-client-protocol.js';

/** The longest wait for one answer; the helper's own timeouts answer well before. */
const ANSWER_TIMEOUT_MS = 15 * 60 * 1000;

interface Helper { worker: Worker; port: MessagePort; flag: Int32Array }

let helper: Helper | undefined;

/** This module's own extension tells whether Quadrangle runs from its TypeScript sources. */
const FROM_SOURCE = /\.[cm]?ts$/.test(new URL(import.meta.url).pathname);
const WORKER_SCRIPT = new URL(`./postgis-client-worker.${FROM_SOURCE ? 'ts' : 'js'}`, import.meta.url);

/**
 * Runs in the helper thread. From the TypeScript sources it registers tsx's CommonJS hooks and
 * requires the helper, as piscina loads the operation pool's threads: tsx's ES module hooks do
 * not reach into worker threads on Node 20, and tsx's `esm/api` cannot be loaded from the
 * CommonJS form this module takes inside those threads. A failure to load is posted as the
 * answer to the first request.
 */
const BOOTSTRAP = `
const { workerData: d } = require('node:worker_threads');
(async () => {
  if (d.tsxApi) { require(d.tsxApi).register(); require(d.script); }
  else await import(d.script);
})().catch((e) => {
  d.port.postMessage({ error: { message: 'the PostgreSQL client thread cannot start: ' + e.message, sqlState: null, connection: true }, fatal: true });
  Atomics.store(d.flag, 0, 1);
  Atomics.notify(d.flag, 0);
});
`;

/** The parent's flags without its tsx loader, which the bootstrap replaces. */
function withoutTsx(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    if (/^(--import|--loader|--experimental-loader|--require|-r)$/.test(arg) && /tsx/.test(execArgv[i + 1] ?? '')) { i++; continue; }
    if (/^(--import|--loader|--experimental-loader|--require)=.*tsx/.test(arg)) continue;
    out.push(arg);
  }
  return out;
}

function startHelper(): Helper {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: {
      script: FROM_SOURCE ? fileURLToPath(WORKER_SCRIPT) : WORKER_SCRIPT.href,
      tsxApi: FROM_SOURCE ? createRequire(import.meta.url).resolve('tsx/cjs/api') : null,
      port: port2, flag,
    },
    transferList: [port2],
    ...(FROM_SOURCE ? { execArgv: withoutTsx(process.execArgv) } : {}),
  });
  // It must not keep the process alive, and it ends with the thread that started it.
  worker.unref();
  port1.unref();
  return { worker, port: port1, flag };
}

/** Sends `request` to this thread's helper and waits for its answer. */
export function callPostgresClient(request: ClientRequest): ClientResponse {
  const h = (helper ??= startHelper());
  Atomics.store(h.flag, 0, 0);
  h.port.postMessage(request);
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  for (;;) {
    const status = Atomics.wait(h.flag, 0, 0, Math.max(0, deadline - Date.now()));
    const received = receiveMessageOnPort(h.port);
    if (received) {
      const answer = received.message as ClientResponse & { fatal?: boolean };
      if (answer.fatal) { helper = undefined; void h.worker.terminate(); }
      return answer;
    }
    if (status === 'timed-out') {
      helper = undefined;
      void h.worker.terminate();
      return { error: { message: 'PostgreSQL did not answer in time', sqlState: null, connection: true } };
    }
  }
}
