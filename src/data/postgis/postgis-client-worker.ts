/**
 * The helper thread behind the synchronous PostgreSQL connections of postgis-connection.ts:
 * it holds node-postgres clients and runs each request of the thread that started it, which
 * waits for the answer (postgis-client-thread.ts): the answer is posted, then the shared flag
 * raised and notified. Cells come back as PostgreSQL's text, untouched, and errors as data
 * (message and SQLSTATE), so the waiting side decides what they mean.
 * @module data/postgis/postgis-client-worker
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import pg from 'pg';
import type { ClientRequest, ClientResponse } from './postgis-client-protocol.js';

/** Every type as its text: the feature source converts the columns it selected. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };

const clients = new Map<number, { client: pg.Client; broken: boolean }>();

function failure(e: unknown, connection: boolean): ClientResponse {
  const err = e as { message?: unknown; code?: unknown };
  const sqlState = typeof err.code === 'string' && /^[0-9A-Z]{5}$/.test(err.code) ? err.code : null;
  return { error: { message: String(err.message ?? e).split('\n')[0]!.slice(0, 500), sqlState, connection: connection || sqlState === null } };
}

async function handle(request: ClientRequest): Promise<ClientResponse> {
  switch (request.op) {
    case 'connect': {
      const client = new pg.Client({
        connectionString: request.conninfo,
        connectionTimeoutMillis: request.connectTimeoutMs,
        query_timeout: request.queryTimeoutMs,
        keepAlive: true,
        types: RAW_TEXT,
      });
      const entry = { client, broken: false };
      // A connection lost while idle must not end the thread; the next request reports it.
      client.on('error', () => { entry.broken = true; });
      try {
        await client.connect();
      } catch (e) {
        await client.end().catch(() => {});
        return failure(e, true);
      }
      clients.set(request.id, entry);
      return { rows: [] };
    }
    case 'query': {
      const entry = clients.get(request.id);
      if (!entry || entry.broken) return { error: { message: 'the connection to PostgreSQL was lost', sqlState: null, connection: true } };
      try {
        const result = await entry.client.query({ text: request.sql, values: request.params, rowMode: 'array' });
        // A multi-statement text gives one result per statement; the last one is the answer.
        const last = Array.isArray(result) ? result[result.length - 1] : result;
        return { rows: (last?.rows ?? []) as (string | null)[][] };
      } catch (e) {
        return failure(e, entry.broken);
      }
    }
    case 'end': {
      const entry = clients.get(request.id);
      clients.delete(request.id);
      await entry?.client.end().catch(() => {});
      return { rows: [] };
    }
  }
}

const { port, flag } = workerData as { port: MessagePort; flag: Int32Array };

port.on('message', (request: ClientRequest) => {
  void handle(request)
    .catch((e: unknown) => failure(e, true))
    .then((answer) => {
      port.postMessage(answer);
      Atomics.store(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
});
