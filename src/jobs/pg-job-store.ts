/**
 * The cluster job store: jobs and their messages in PostgreSQL (`quadrangle.jobs_records`,
 * `quadrangle.jobs_messages`, created by the migration runner of db/migrate), shared by every
 * node, so any node's engine runs any job and every node shows every job's progress and
 * messages. Behaves as the SQLite store does; what it adds is who holds a running job.
 *
 * Claims. `claimNext` is one statement: it locks the oldest waiting row with `FOR UPDATE SKIP
 * LOCKED` (the queueing technique of pg-boss, applied to the job rows themselves) and marks it
 * running and held by this store's node, so two nodes polling at once never take the same job.
 * The queue is the jobs table and nothing else: the order is submission order, jobs of stopped
 * services are passed over by a condition on their service, and a job put back in the queue
 * (after a node stopped) keeps its place. A separate message queue (pg-boss was considered)
 * would be a second copy of every job's state that must never disagree with the first, could
 * not leave a stopped service's jobs waiting in order, and in version 10 has no heartbeat: its
 * expiry is one fixed running time, while a job may run for its time limit (30 min) or stay
 * paused at a checkpoint for as long as its user likes.
 *
 * Leases. Each claimed (or otherwise held) job carries `lease_owner` (this store's node ID) and
 * `lease_until`, computed by PostgreSQL's clock so nodes' clocks need not agree. The engine that
 * runs the job renews it through `renewLeases` every second or so; the same statement returns
 * the job's status, which is how a cancel or pause recorded by another node reaches the running
 * one. A node that dies stops renewing; once `lease_until` has passed, `reclaimAbandoned` (each
 * engine calls it every few seconds) moves the lease to one live node — concurrent reclaims are
 * serialised by the row lock and re-check the expiry — which queues the job again or finishes
 * its cancel. The dead node, should it come back, finds in its next renewal that the job is no
 * longer its own and stops its thread without writing. A lease must be several renewal periods
 * long [30 s]: a node whose renewals fail for longer (database unreachable) loses its jobs.
 * A job paused at a checkpoint keeps its thread and its lease on its node, and `claimNext`
 * leaves it, once resumed, to that node while the lease is alive.
 * @module jobs/pg-job-store
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { migrate, type Migration } from '../db/migrate.js';
import { openPool, withTransaction, type PoolLease } from '../db/pg-pool.js';
import { CHANGE_COLUMNS, RELEASING_STATUS_CODES, type JobChange, type JobFilter, type JobPage, type JobQueryResult, type JobStore, type JobUpdateOptions } from './job-store.js';
import {
  FINAL_STATUS_CODES, JOB_STATUS, MAX_MESSAGES_PER_LEVEL, jobStatusName,
  type JobKind, type JobMessage, type JobMessageType, type JobRecord, type JobStatusCode, type JsonObject, type JsonValue,
} from './job-types.js';

const JOBS = 'quadrangle.jobs_records';
const MESSAGES = 'quadrangle.jobs_messages';

/**
 * Job IDs are stored upper-case (the canonical form) and looked up upper-cased. `request` and
 * `result` are `json`, kept as written; times are ms since the epoch as the engine counts them,
 * except `lease_until`, which only PostgreSQL's clock sets and reads.
 */
export const JOB_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'jobs and their messages, with leases of running jobs',
    sql: `
      CREATE TABLE ${JOBS} (
        job_id text COLLATE "C" PRIMARY KEY,
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        kind text NOT NULL,
        service_key text COLLATE "C" NOT NULL,
        product_name text COLLATE "C",
        product_version text COLLATE "C",
        user_name text COLLATE "C" NOT NULL,
        status smallint NOT NULL,
        submitted bigint NOT NULL,
        updated bigint NOT NULL,
        started bigint,
        finished bigint,
        percent_complete double precision NOT NULL DEFAULT 0,
        current_step text,
        request json NOT NULL,
        result json,
        error text,
        time_limit_ms bigint,
        recoveries integer NOT NULL DEFAULT 0,
        lease_owner text,
        lease_until timestamptz
      );
      CREATE INDEX jobs_records_status ON ${JOBS} (status, submitted, seq);
      CREATE INDEX jobs_records_submitted ON ${JOBS} (submitted, seq);
      CREATE INDEX jobs_records_finished ON ${JOBS} (finished);
      CREATE TABLE ${MESSAGES} (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        job_id text COLLATE "C" NOT NULL REFERENCES ${JOBS} (job_id) ON DELETE CASCADE,
        type text NOT NULL,
        description text NOT NULL,
        time bigint NOT NULL
      );
      CREATE INDEX jobs_messages_job ON ${MESSAGES} (job_id, type, seq);`,
  },
];

export interface PgJobStoreOptions {
  /** How long a held job stays this node's without a renewal. [30 s] */
  leaseMs?: number;
  /** Told of each migration applied. */
  log?: (message: string) => void;
}

/** A row as the driver returns it: `bigint` columns come as strings. */
interface JobRow {
  job_id: string;
  kind: string;
  service_key: string;
  product_name: string | null;
  product_version: string | null;
  user_name: string;
  status: number;
  submitted: string;
  updated: string;
  started: string | null;
  finished: string | null;
  percent_complete: number;
  current_step: string | null;
  request: JsonValue;
  result: JsonObject | null;
  error: string | null;
  time_limit_ms: string | null;
  recoveries: number;
}


const ROW_COLUMNS = `job_id, kind, service_key, product_name, product_version, user_name, status, submitted, updated, started, finished,
  percent_complete, current_step, request, result, error, time_limit_ms, recoveries`;

/** Waiting for a worker: claimable. */
const QUEUED = `status IN (${JOB_STATUS.Waiting}, ${JOB_STATUS.ResumePending})`;

type Db = pg.Pool | pg.PoolClient;

export class PgJobStore implements JobStore {
  /** This node's name in `lease_owner`: host, process and a random part, new for each store. */
  readonly nodeId: string;
  readonly leaseMs: number;

  private constructor(private readonly lease: PoolLease, leaseMs: number) {
    this.leaseMs = leaseMs;
    this.nodeId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /**
   * Connects to the database at `url` (this thread's pool for it), creating or migrating the job
   * tables when needed. Throws DatabaseError (db/database-error) when the database cannot be
   * reached or is newer than this code.
   */
  static async open(url: string, options: PgJobStoreOptions = {}): Promise<PgJobStore> {
    const leaseMs = options.leaseMs ?? 30_000;
    if (!Number.isFinite(leaseMs) || leaseMs < 100) throw new Error(`leaseMs must be at least 100 ms, not ${leaseMs}`);
    const lease = await openPool(url);
    try {
      await migrate(lease.pool, 'jobs', JOB_MIGRATIONS, options.log ? { log: options.log } : {});
    } catch (error) {
      await lease.release();
      throw error;
    }
    return new PgJobStore(lease, leaseMs);
  }

  private get db(): pg.Pool { return this.lease.pool; }

  /** SQL for "the lease from now on", with the lease length in ms as parameter `$n`. */
  private static leaseEnd(n: number): string {
    return `now() + $${n}::double precision * interval '1 millisecond'`;
  }

  async insert(job: JobRecord): Promise<void> {
    await withTransaction(this.db, async (client) => {
      await client.query(
        `INSERT INTO ${JOBS} (job_id, kind, service_key, product_name, product_version, user_name, status, submitted, updated, started, finished,
           percent_complete, current_step, request, result, error, time_limit_ms, recoveries)
         VALUES (upper($1), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::json, $15::json, $16, $17, $18)`,
        [job.jobId, job.kind, job.serviceKey, job.productName, job.productVersion, job.user, job.statusCode, job.submitted, job.updated,
          job.started, job.finished, job.percentComplete, job.currentStep, JSON.stringify(job.request),
          job.result === null ? null : JSON.stringify(job.result), job.error, job.timeLimitMs, job.recoveries]);
      await appendMessages(client, job.jobId.toUpperCase(), job.messages);
    });
  }

  async get(jobId: string): Promise<JobRecord | null> {
    const r = await this.db.query<JobRow>(`SELECT ${ROW_COLUMNS} FROM ${JOBS} WHERE job_id = upper($1)`, [jobId]);
    return r.rows[0] ? this.withMessages(this.db, toRecord(r.rows[0])) : null;
  }

  async update(jobId: string, change: JobChange, onlyIf?: readonly JobStatusCode[], options: JobUpdateOptions = {}): Promise<boolean> {
    const params: unknown[] = [jobId, Date.now()];
    const sets = ['updated = $2'];
    for (const [field, column] of Object.entries(CHANGE_COLUMNS) as [keyof typeof CHANGE_COLUMNS, string][]) {
      const value = change[field];
      if (value === undefined) continue;
      params.push(field === 'result' ? (value === null ? null : JSON.stringify(value)) : value);
      sets.push(`${column} = $${params.length}${field === 'result' ? '::json' : ''}`);
    }
    if (change.statusCode === JOB_STATUS.Deleting) {
      params.push(this.nodeId, this.leaseMs);
      sets.push(`lease_owner = $${params.length - 1}`, `lease_until = ${PgJobStore.leaseEnd(params.length)}`);
    } else if (change.statusCode !== undefined && RELEASING_STATUS_CODES.includes(change.statusCode)) {
      sets.push('lease_owner = NULL', 'lease_until = NULL');
    }
    let where = 'job_id = upper($1)';
    if (onlyIf) {
      params.push(onlyIf);
      where += ` AND status = ANY($${params.length}::smallint[])`;
    }
    if (options.asHolder) {
      params.push(this.nodeId);
      where += ` AND lease_owner = $${params.length}`;
    }
    const sql = `UPDATE ${JOBS} SET ${sets.join(', ')} WHERE ${where}`;
    if (!change.messages?.length) return ((await this.db.query(sql, params)).rowCount ?? 0) > 0;
    return withTransaction(this.db, async (client) => {
      if (((await client.query(sql, params)).rowCount ?? 0) === 0) return false;
      await appendMessages(client, jobId.toUpperCase(), change.messages!);
      return true;
    });
  }

  async query(filter: JobFilter, page: JobPage = {}): Promise<JobQueryResult> {
    const where: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown): string => { params.push(value); return `$${params.length}`; };
    if (filter.statusCodes) {
      if (filter.statusCodes.length === 0) return { total: 0, jobs: [] };
      where.push(`status = ANY(${param(filter.statusCodes)}::smallint[])`);
    } else {
      where.push(`status NOT IN (${JOB_STATUS.Deleting}, ${JOB_STATUS.Deleted})`);
    }
    if (filter.startDate !== undefined) where.push(`submitted >= ${param(filter.startDate)}`);
    if (filter.endDate !== undefined) where.push(`finished IS NOT NULL AND finished <= ${param(filter.endDate)}`);
    if (filter.user !== undefined) where.push(`user_name = ${param(filter.user)}`);
    if (filter.productName !== undefined) where.push(`product_name = ${param(filter.productName)}`);
    if (filter.serviceKey !== undefined) where.push(`service_key = ${param(filter.serviceKey)}`);
    if (filter.kind !== undefined) where.push(`kind = ${param(filter.kind)}`);
    const clause = `WHERE ${where.join(' AND ')}`;
    const total = (await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${JOBS} ${clause}`, params)).rows[0]!.n;
    const limit = Math.max(0, page.limit ?? 100);
    const offset = Math.max(0, page.offset ?? 0);
    const rows = (await this.db.query<JobRow>(
      `SELECT ${ROW_COLUMNS} FROM ${JOBS} ${clause} ORDER BY submitted DESC, seq DESC LIMIT ${param(limit)} OFFSET ${param(offset)}`, params)).rows;
    const jobs = rows.map(toRecord);
    if (page.withMessages) await this.fillMessages(this.db, jobs);
    return { total, jobs };
  }

  async claimNext(now: number, heldServiceKeys: readonly string[] = []): Promise<JobRecord | null> {
    // A resuming job whose paused thread a live node holds is that node's to continue.
    const r = await this.db.query<JobRow>(
      `UPDATE ${JOBS} SET
         status = CASE status WHEN ${JOB_STATUS.ResumePending} THEN ${JOB_STATUS.Resumed} ELSE ${JOB_STATUS.InProgress} END,
         started = COALESCE(started, $1), updated = $1, lease_owner = $2, lease_until = ${PgJobStore.leaseEnd(3)}
       WHERE job_id = (
         SELECT job_id FROM ${JOBS}
         WHERE ${QUEUED} AND service_key <> ALL($4::text[])
           AND (status = ${JOB_STATUS.Waiting} OR lease_owner IS NULL OR lease_owner = $2 OR lease_until < now())
         ORDER BY submitted, seq
         LIMIT 1
         FOR UPDATE SKIP LOCKED)
       RETURNING ${ROW_COLUMNS}`,
      [now, this.nodeId, this.leaseMs, heldServiceKeys]);
    return r.rows[0] ? this.withMessages(this.db, toRecord(r.rows[0])) : null;
  }

  async renewLeases(jobIds: readonly string[]): Promise<Map<string, JobStatusCode>> {
    const statuses = new Map<string, JobStatusCode>();
    if (jobIds.length === 0) return statuses;
    const r = await this.db.query<{ job_id: string; status: number }>(
      `UPDATE ${JOBS} SET lease_until = ${PgJobStore.leaseEnd(3)}
       WHERE job_id = ANY($1::text[]) AND lease_owner = $2
       RETURNING job_id, status`,
      [jobIds.map((id) => id.toUpperCase()), this.nodeId, this.leaseMs]);
    const byId = new Map(r.rows.map((row) => [row.job_id, row.status as JobStatusCode]));
    for (const id of jobIds) {
      const status = byId.get(id.toUpperCase());
      if (status !== undefined) statuses.set(id, status);
    }
    return statuses;
  }

  async reclaimAbandoned(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]> {
    if (statusCodes.length === 0) return [];
    // The row lock serialises two nodes reclaiming at once; the second re-checks the expiry
    // against the first's new lease and passes the row over.
    const r = await this.db.query<JobRow & { seq: string }>(
      `UPDATE ${JOBS} SET lease_owner = $2, lease_until = ${PgJobStore.leaseEnd(3)}
       WHERE status = ANY($1::smallint[]) AND (lease_owner IS NULL OR lease_until < now())
       RETURNING ${ROW_COLUMNS}, seq`,
      [statusCodes, this.nodeId, this.leaseMs]);
    return r.rows
      .sort((a, b) => Number(a.submitted) - Number(b.submitted) || Number(a.seq) - Number(b.seq))
      .map(toRecord);
  }

  async listByStatus(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]> {
    if (statusCodes.length === 0) return [];
    const r = await this.db.query<JobRow>(
      `SELECT ${ROW_COLUMNS} FROM ${JOBS} WHERE status = ANY($1::smallint[]) ORDER BY submitted, seq`, [statusCodes]);
    return r.rows.map(toRecord);
  }

  async delete(jobId: string): Promise<boolean> {
    return ((await this.db.query(`DELETE FROM ${JOBS} WHERE job_id = upper($1)`, [jobId])).rowCount ?? 0) > 0;
  }

  async purgeFinishedBefore(cutoff: number): Promise<string[]> {
    const r = await this.db.query<{ job_id: string }>(
      `DELETE FROM ${JOBS} WHERE finished < $1 AND status = ANY($2::smallint[]) RETURNING job_id`, [cutoff, FINAL_STATUS_CODES]);
    return r.rows.map((row) => row.job_id);
  }

  async close(): Promise<void> { await this.lease.release(); }

  private async withMessages(db: Db, job: JobRecord): Promise<JobRecord> {
    await this.fillMessages(db, [job]);
    return job;
  }

  /** Loads the messages of these jobs, oldest first, in one query. */
  private async fillMessages(db: Db, jobs: JobRecord[]): Promise<void> {
    if (jobs.length === 0) return;
    const r = await db.query<{ job_id: string; type: JobMessageType; description: string; time: string }>(
      `SELECT job_id, type, description, time FROM ${MESSAGES} WHERE job_id = ANY($1::text[]) ORDER BY seq`, [jobs.map((j) => j.jobId)]);
    const byId = new Map(jobs.map((j) => [j.jobId, j]));
    for (const row of r.rows) byId.get(row.job_id)?.messages.push({ type: row.type, description: row.description, time: Number(row.time) });
  }
}

/** Appends messages, then drops the oldest of each kind beyond the limit. */
async function appendMessages(client: pg.PoolClient, jobId: string, messages: readonly JobMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `INSERT INTO ${MESSAGES} (job_id, type, description, time)
     SELECT $1, m.type, m.description, m.time FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS m(type, description, time, n) ORDER BY m.n`,
    [jobId, messages.map((m) => m.type), messages.map((m) => m.description), messages.map((m) => m.time)]);
  for (const type of new Set(messages.map((m) => m.type))) {
    await client.query(
      `DELETE FROM ${MESSAGES} WHERE job_id = $1 AND type = $2 AND seq <=
         (SELECT seq FROM ${MESSAGES} WHERE job_id = $1 AND type = $2 ORDER BY seq DESC LIMIT 1 OFFSET $3)`,
      [jobId, type, MAX_MESSAGES_PER_LEVEL]);
  }
}

function toRecord(row: JobRow): JobRecord {
  const statusCode = row.status as JobStatusCode;
  const num = (v: string | null): number | null => (v === null ? null : Number(v));
  return {
    jobId: row.job_id,
    kind: row.kind as JobKind,
    serviceKey: row.service_key,
    productName: row.product_name,
    productVersion: row.product_version,
    user: row.user_name,
    status: jobStatusName(statusCode) ?? 'New',
    statusCode,
    submitted: Number(row.submitted),
    updated: Number(row.updated),
    started: num(row.started),
    finished: num(row.finished),
    percentComplete: row.percent_complete,
    currentStep: row.current_step,
    messages: [],
    request: row.request,
    result: row.result,
    error: row.error,
    timeLimitMs: num(row.time_limit_ms),
    recoveries: row.recoveries,
  };
}
