/**
 * The embedded job store: jobs and their messages in their own SQLite file (e.g.
 * `<data>/jobs.sqlite`), so polling clients and running jobs never contend with the catalog.
 * WAL lets readers poll while a job writes progress; every statement is parameterised (a
 * query's filter only chooses which fixed conditions appear). One process uses the file, so the
 * jobs held through this store are kept in memory: a job left running by an earlier process
 * (one that died) is abandoned as soon as this store opens.
 * @module jobs/sqlite-job-store
 */
import Database from 'better-sqlite3';
import { CHANGE_COLUMNS, RELEASING_STATUS_CODES, type JobChange, type JobFilter, type JobPage, type JobQueryResult, type JobStore, type JobUpdateOptions } from './job-store.js';
import { FINAL_STATUS_CODES, JOB_STATUS, MAX_MESSAGES_PER_LEVEL, jobStatusName, type JobKind, type JobMessage, type JobMessageType, type JobRecord, type JobStatusCode, type JsonObject, type JsonValue } from './job-types.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  job_id TEXT PRIMARY KEY COLLATE NOCASE,
  kind TEXT NOT NULL,
  service_key TEXT NOT NULL,
  product_name TEXT,
  product_version TEXT,
  user_name TEXT NOT NULL,
  status INTEGER NOT NULL,
  submitted INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  started INTEGER,
  finished INTEGER,
  percent_complete REAL NOT NULL DEFAULT 0,
  current_step TEXT,
  request TEXT NOT NULL,
  result TEXT,
  error TEXT,
  time_limit_ms INTEGER,
  recoveries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, submitted);
CREATE INDEX IF NOT EXISTS jobs_submitted ON jobs (submitted);
CREATE INDEX IF NOT EXISTS jobs_finished ON jobs (finished);
CREATE TABLE IF NOT EXISTS job_messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL COLLATE NOCASE,
  type TEXT NOT NULL,
  description TEXT NOT NULL,
  time INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS job_messages_job ON job_messages (job_id, type, seq);`;

interface JobRow {
  job_id: string;
  kind: string;
  service_key: string;
  product_name: string | null;
  product_version: string | null;
  user_name: string;
  status: number;
  submitted: number;
  updated: number;
  started: number | null;
  finished: number | null;
  percent_complete: number;
  current_step: string | null;
  request: string;
  result: string | null;
  error: string | null;
  time_limit_ms: number | null;
  recoveries: number;
}


/** The fixed statements, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO jobs (job_id, kind, service_key, product_name, product_version, user_name, status, submitted, updated,
      started, finished, percent_complete, current_step, request, result, error, time_limit_ms, recoveries)
      VALUES (@job_id, @kind, @service_key, @product_name, @product_version, @user_name, @status, @submitted, @updated,
      @started, @finished, @percent_complete, @current_step, @request, @result, @error, @time_limit_ms, @recoveries)`),
    get: db.prepare('SELECT * FROM jobs WHERE job_id = ?'),
    status: db.prepare('SELECT status, job_id FROM jobs WHERE job_id = ?'),
    messages: db.prepare('SELECT type, description, time FROM job_messages WHERE job_id = ? ORDER BY seq'),
    addMessage: db.prepare('INSERT INTO job_messages (job_id, type, description, time) VALUES (?, ?, ?, ?)'),
    trimMessages: db.prepare(`DELETE FROM job_messages WHERE job_id = ? AND type = ? AND seq <=
      (SELECT seq FROM job_messages WHERE job_id = ? AND type = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`),
    claim: db.prepare(`UPDATE jobs SET status = CASE status WHEN ${JOB_STATUS.ResumePending} THEN ${JOB_STATUS.Resumed} ELSE ${JOB_STATUS.InProgress} END,
      started = COALESCE(started, ?), updated = ?
      WHERE job_id = (SELECT job_id FROM jobs WHERE status IN (${JOB_STATUS.Waiting}, ${JOB_STATUS.ResumePending}) ORDER BY submitted, rowid LIMIT 1)
      RETURNING job_id`),
    deleteJob: db.prepare('DELETE FROM jobs WHERE job_id = ?'),
    deleteMessages: db.prepare('DELETE FROM job_messages WHERE job_id = ?'),
    finishedBefore: db.prepare(`SELECT job_id FROM jobs WHERE finished < ? AND status IN (${FINAL_STATUS_CODES.join(', ')})`),
  };
}

export class SqliteJobStore implements JobStore {
  private readonly db: Database.Database;
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** Jobs held through this store (IDs upper-cased). */
  private readonly held = new Set<string>();

  /** Opens (creating when needed) the job store at `path`. */
  constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.statements = prepareStatements(this.db);
  }

  async insert(job: JobRecord): Promise<void> {
    this.db.transaction(() => {
      this.statements.insert.run({
        job_id: job.jobId, kind: job.kind, service_key: job.serviceKey, product_name: job.productName, product_version: job.productVersion,
        user_name: job.user, status: job.statusCode, submitted: job.submitted, updated: job.updated, started: job.started, finished: job.finished,
        percent_complete: job.percentComplete, current_step: job.currentStep, request: JSON.stringify(job.request),
        result: job.result === null ? null : JSON.stringify(job.result), error: job.error, time_limit_ms: job.timeLimitMs, recoveries: job.recoveries,
      });
      this.appendMessages(job.jobId, job.messages);
    })();
  }

  async get(jobId: string): Promise<JobRecord | null> {
    const row = this.statements.get.get(jobId) as JobRow | undefined;
    return row ? this.toRecord(row, true) : null;
  }

  async update(jobId: string, change: JobChange, onlyIf?: readonly JobStatusCode[], options: JobUpdateOptions = {}): Promise<boolean> {
    return this.db.transaction(() => {
      const current = this.statements.status.get(jobId) as { status: number; job_id: string } | undefined;
      if (!current || (onlyIf && !(onlyIf as readonly number[]).includes(current.status))) return false;
      if (options.asHolder && !this.held.has(current.job_id.toUpperCase())) return false;
      if (change.statusCode === JOB_STATUS.Deleting) this.held.add(current.job_id.toUpperCase());
      else if (change.statusCode !== undefined && RELEASING_STATUS_CODES.includes(change.statusCode)) this.held.delete(current.job_id.toUpperCase());
      const sets = ['updated = ?'];
      const params: (string | number | null)[] = [Date.now()];
      for (const [field, column] of Object.entries(CHANGE_COLUMNS) as [keyof typeof CHANGE_COLUMNS, string][]) {
        const value = change[field];
        if (value === undefined) continue;
        sets.push(`${column} = ?`);
        params.push(field === 'result' ? (value === null ? null : JSON.stringify(value)) : (value as string | number | null));
      }
      this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE job_id = ?`).run(...params, jobId);
      if (change.messages?.length) this.appendMessages(jobId, change.messages);
      return true;
    })();
  }

  async query(filter: JobFilter, page: JobPage = {}): Promise<JobQueryResult> {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.statusCodes) {
      if (filter.statusCodes.length === 0) return { total: 0, jobs: [] };
      where.push(`status IN (${filter.statusCodes.map(() => '?').join(', ')})`);
      params.push(...filter.statusCodes);
    } else {
      where.push('status NOT IN (?, ?)');
      params.push(JOB_STATUS.Deleting, JOB_STATUS.Deleted);
    }
    if (filter.startDate !== undefined) { where.push('submitted >= ?'); params.push(filter.startDate); }
    if (filter.endDate !== undefined) { where.push('finished IS NOT NULL AND finished <= ?'); params.push(filter.endDate); }
    if (filter.user !== undefined) { where.push('user_name = ?'); params.push(filter.user); }
    if (filter.productName !== undefined) { where.push('product_name = ?'); params.push(filter.productName); }
    if (filter.serviceKey !== undefined) { where.push('service_key = ?'); params.push(filter.serviceKey); }
    if (filter.kind !== undefined) { where.push('kind = ?'); params.push(filter.kind); }
    const clause = `WHERE ${where.join(' AND ')}`;
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM jobs ${clause}`).get(...params) as { n: number }).n;
    const rows = this.db.prepare(`SELECT * FROM jobs ${clause} ORDER BY submitted DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...params, Math.max(0, page.limit ?? 100), Math.max(0, page.offset ?? 0)) as JobRow[];
    return { total, jobs: rows.map((r) => this.toRecord(r, page.withMessages ?? false)) };
  }

  async claimNext(now: number, heldServiceKeys: readonly string[] = []): Promise<JobRecord | null> {
    const claimed = (heldServiceKeys.length === 0
      ? this.statements.claim.get(now, now)
      : this.db.prepare(`UPDATE jobs SET status = CASE status WHEN ${JOB_STATUS.ResumePending} THEN ${JOB_STATUS.Resumed} ELSE ${JOB_STATUS.InProgress} END,
          started = COALESCE(started, ?), updated = ?
          WHERE job_id = (SELECT job_id FROM jobs WHERE status IN (${JOB_STATUS.Waiting}, ${JOB_STATUS.ResumePending})
            AND service_key NOT IN (${heldServiceKeys.map(() => '?').join(', ')}) ORDER BY submitted, rowid LIMIT 1)
          RETURNING job_id`).get(now, now, ...heldServiceKeys)) as { job_id: string } | undefined;
    if (!claimed) return null;
    this.held.add(claimed.job_id.toUpperCase());
    return this.get(claimed.job_id);
  }

  async renewLeases(jobIds: readonly string[]): Promise<Map<string, JobStatusCode>> {
    const statuses = new Map<string, JobStatusCode>();
    for (const id of jobIds) {
      const row = this.statements.status.get(id) as { status: number; job_id: string } | undefined;
      if (row && this.held.has(row.job_id.toUpperCase())) statuses.set(id, row.status as JobStatusCode);
    }
    return statuses;
  }

  async reclaimAbandoned(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]> {
    const abandoned = (await this.listByStatus(statusCodes)).filter((job) => !this.held.has(job.jobId.toUpperCase()));
    for (const job of abandoned) this.held.add(job.jobId.toUpperCase());
    return abandoned;
  }

  async listByStatus(statusCodes: readonly JobStatusCode[]): Promise<JobRecord[]> {
    if (statusCodes.length === 0) return [];
    const rows = this.db.prepare(`SELECT * FROM jobs WHERE status IN (${statusCodes.map(() => '?').join(', ')}) ORDER BY submitted, rowid`)
      .all(...statusCodes) as JobRow[];
    return rows.map((r) => this.toRecord(r, false));
  }

  async delete(jobId: string): Promise<boolean> {
    this.held.delete(jobId.toUpperCase());
    return this.db.transaction(() => {
      this.statements.deleteMessages.run(jobId);
      return this.statements.deleteJob.run(jobId).changes > 0;
    })();
  }

  async purgeFinishedBefore(cutoff: number): Promise<string[]> {
    return this.db.transaction(() => {
      const ids = (this.statements.finishedBefore.all(cutoff) as { job_id: string }[]).map((r) => r.job_id);
      for (const id of ids) {
        this.statements.deleteMessages.run(id);
        this.statements.deleteJob.run(id);
      }
      return ids;
    })();
  }

  async close(): Promise<void> { this.db.close(); }

  /** Appends messages, then drops the oldest of each kind beyond the limit. */
  private appendMessages(jobId: string, messages: readonly JobMessage[]): void {
    const types = new Set<JobMessageType>();
    for (const m of messages) {
      this.statements.addMessage.run(jobId, m.type, m.description, m.time);
      types.add(m.type);
    }
    for (const type of types) this.statements.trimMessages.run(jobId, type, jobId, type, MAX_MESSAGES_PER_LEVEL);
  }

  private toRecord(row: JobRow, withMessages: boolean): JobRecord {
    const statusCode = row.status as JobStatusCode;
    return {
      jobId: row.job_id,
      kind: row.kind as JobKind,
      serviceKey: row.service_key,
      productName: row.product_name,
      productVersion: row.product_version,
      user: row.user_name,
      status: jobStatusName(statusCode) ?? 'New',
      statusCode,
      submitted: row.submitted,
      updated: row.updated,
      started: row.started,
      finished: row.finished,
      percentComplete: row.percent_complete,
      currentStep: row.current_step,
      messages: withMessages ? this.statements.messages.all(row.job_id) as JobMessage[] : [],
      request: JSON.parse(row.request) as JsonValue,
      result: row.result === null ? null : JSON.parse(row.result) as JsonObject,
      error: row.error,
      timeLimitMs: row.time_limit_ms,
      recoveries: row.recoveries,
    };
  }
}
