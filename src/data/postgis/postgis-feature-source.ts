/**
 * A PostGIS table or view as a feature source: schema from the database's catalog
 * (postgis-schema.ts), where clauses compiled to parameterised PostgreSQL, the bounding-box
 * prefilter as `geom && ST_MakeEnvelope(…)` so the GiST index answers it (then the candidates'
 * exact envelopes), geometries read as
 * WKB (`ST_AsBinary`), ordering, paging and counts in SQL.
 *
 * Synchronous by design, over libpq (postgis-connection.ts explains why): the FeatureSource
 * contract and its consumers stay as they are, and the worker threads that run queries block
 * on PostgreSQL as they block on SQLite. A source opened on the main thread (service
 * descriptions) reads the catalog there once, bounded by the connect timeout.
 *
 * Answers are the GeoPackage source's: strings order and compare by code point (`COLLATE "C"`,
 * whatever the database's collation), NULLs first in ascending order as in SQLite, booleans
 * are 0/1, dates are epoch milliseconds (UTC). Results are not projected in the database: the
 * FeatureSource contract takes no output SR, and projecting in layer-query.ts (proj4) keeps
 * every source's coordinates identical, where PostGIS's PROJ could use grid files proj4 does not.
 *
 * Security: every value (where literals, bbox, object IDs, paging) is a bound parameter; table
 * and column names come from the catalog, quoted; the connection comes from the service
 * definition or the server's environment, never from a request.
 * @module data/postgis/postgis-feature-source
 */
import type { Envelope } from '../../geo/geometry.js';
import { decodeWkb } from '../../geo/wkb.js';
import type { FeatureRow, FeatureSource, FeatureSourceSchema, ScanRequest } from '../feature-source.js';
import { FeatureQueryError } from '../feature-source.js';
import { compileWhereToSql } from '../where/index.js';
import type { PgConnection, PgRow } from './postgis-connection.js';
import { FETCH_SIZE, openConnection, PostgresError, releaseConnection, resolveConnection } from './postgis-connection.js';
import type { PgColumn, PostgisRelation, PostgisSourceConfig } from './postgis-schema.js';
import { quoteIdent, readPostgisRelation } from './postgis-schema.js';

export type { PostgisSourceConfig } from './postgis-schema.js';

/** Above this many rows (planner estimate) the extent comes from the statistics, not a full scan. */
const ESTIMATED_EXTENT_ROWS = 1_000_000;

/** Converts one text-format cell to the ArcGIS value of its column. */
function toArcGisValue(kind: PgColumn['kind'], v: string | null): unknown {
  if (v === null) return null;
  switch (kind) {
    case 'integer': return Number(v);
    case 'float': { const n = Number(v); return Number.isNaN(n) ? null : n; }
    case 'boolean': return v === 't' ? 1 : 0;
    case 'date': { const n = Number(v); return Number.isFinite(n) ? n : null; }
    case 'bytea': return Buffer.from(v.slice(2), 'hex').toString('base64');
    default: return v;
  }
}

export class PostgisFeatureSource implements FeatureSource {
  readonly schema: FeatureSourceSchema;
  private readonly db: PgConnection;
  private readonly relation: PostgisRelation;
  private readonly byName = new Map<string, PgColumn>();
  private readonly byLowerName = new Map<string, PgColumn>();
  private cachedExtent: Envelope | null | undefined;
  private closed = false;

  /** Opens the table or view `config` names; throws FeatureQueryError when it cannot be served. */
  constructor(config: PostgisSourceConfig) {
    this.db = openConnection(resolveConnection(config.connection));
    try {
      this.relation = readPostgisRelation(this.db, config);
    } catch (e) {
      releaseConnection(this.db);
      throw e instanceof PostgresError ? new FeatureQueryError(`cannot read table '${String(config.table).slice(0, 130)}' (${this.db.label}): ${e.message.slice(0, 200)}`) : e;
    }
    for (const c of this.relation.columns) {
      this.byName.set(c.name, c);
      if (!this.byLowerName.has(c.name.toLowerCase())) this.byLowerName.set(c.name.toLowerCase(), c);
    }
    this.schema = this.relation.schema;
  }

  private column(name: string): PgColumn {
    const c = this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
    if (!c) throw new FeatureQueryError(`unknown field '${name.slice(0, 64)}'`);
    return c;
  }

  private get oid(): string { return `t.${quoteIdent(this.schema.objectIdField)}`; }

  /** `fn` qualified with the PostGIS extension's schema, so search_path does not matter. */
  private gis(fn: string): string { return `${this.relation.postgis}.${fn}`; }

  /** Runs a statement, turning errors the request caused into FeatureQueryError. */
  private run<T>(run: () => T): T {
    try {
      return run();
    } catch (e) {
      if (e instanceof PostgresError && e.causedByInput) throw new FeatureQueryError(`the query cannot be evaluated on '${this.relation.label}': ${e.message.slice(0, 200)}`);
      throw e;
    }
  }

  extent(): Envelope | null {
    if (this.cachedExtent !== undefined) return this.cachedExtent;
    const g = this.relation.geometry;
    let e: Envelope | null = null;
    if (g) {
      const col = `t.${quoteIdent(g.name)}`;
      const box = (expr: string) => `SELECT ${['ST_XMin', 'ST_YMin', 'ST_XMax', 'ST_YMax'].map((f) => `${this.gis(f)}(e)`).join(', ')} FROM (SELECT ${expr} AS e) s`;
      let row: PgRow | undefined;
      if (!this.relation.isView && this.relation.estimatedRows > ESTIMATED_EXTENT_ROWS) {
        // From the planner's statistics: a full scan of a large table would hold up opening it.
        const { schemaName, tableName } = this.relation;
        try { [row] = this.db.query(box(`${this.gis('ST_EstimatedExtent')}($1::text, $2::text, $3::text)`), [schemaName, tableName, g.name]); } catch { row = undefined; }
      }
      if (!row || row[0] === null) [row] = this.run(() => this.db.query(box(`(SELECT ${this.gis('ST_Extent')}(${col}) FROM ${this.relation.sql} AS t)`)));
      if (row && row[0] !== null) e = { xmin: Number(row[0]), ymin: Number(row[1]), xmax: Number(row[2]), ymax: Number(row[3]) };
    }
    this.cachedExtent = e;
    return e;
  }

  /** FROM … WHERE … shared by scan and count; parameters are numbered from $1. */
  private filterSql(req: Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'>): { sql: string; params: unknown[] } {
    const clauses: string[] = [];
    const params: unknown[] = [];
    const g = this.relation.geometry;
    if (req.bbox && g) {
      const { xmin, ymin, xmax, ymax } = req.bbox;
      if (![xmin, ymin, xmax, ymax].every(Number.isFinite)) throw new FeatureQueryError('the bounding box has a coordinate that is not a number');
      const col = `t.${quoteIdent(g.name)}`;
      // `&&` against a constant envelope is what the GiST index answers (the SRID comes from the
      // catalog). Its boxes are 32-bit floats rounded outward, half a metre at UTM northings, so
      // the candidates' exact envelopes are compared too.
      clauses.push(`${col} OPERATOR(${this.relation.postgis}.&&) ${this.gis('ST_MakeEnvelope')}($1::float8, $2::float8, $3::float8, $4::float8, ${Math.trunc(g.srid)})`
        + ` AND ${this.gis('ST_XMax')}(${col}) >= $1::float8 AND ${this.gis('ST_YMax')}(${col}) >= $2::float8`
        + ` AND ${this.gis('ST_XMin')}(${col}) <= $3::float8 AND ${this.gis('ST_YMin')}(${col}) <= $4::float8`);
      params.push(xmin, ymin, xmax, ymax);
    }
    if (req.objectIds) {
      params.push(req.objectIds.filter((id) => Number.isSafeInteger(id)));
      clauses.push(`${this.oid} = ANY ($${params.length}::int8[])`);
    }
    if (req.where) {
      const compiled = compileWhereToSql(req.where, {
        dialect: 'postgres',
        paramOffset: params.length,
        resolveField: (name) => {
          const c = this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
          if (!c) return null;
          const ref = `t.${quoteIdent(c.name)}`;
          // Booleans compare as the 0/1 they are served as; other non-text types as their text.
          const sql = c.kind === 'boolean' ? `CAST(${ref} AS integer)` : c.kind === 'other' && c.whereType === 'string' ? `CAST(${ref} AS text)` : ref;
          return { sql, type: c.whereType };
        },
      });
      clauses.push(compiled.sql);
      params.push(...compiled.params);
    }
    return { sql: `FROM ${this.relation.sql} AS t${clauses.length ? ` WHERE ${clauses.join(' AND ')}` : ''}`, params };
  }

  /** The expression that reads a column as the text toArcGisValue expects. */
  private selectExpression(c: PgColumn): string {
    const ref = `t.${quoteIdent(c.name)}`;
    if (c.kind === 'date') return `CAST(EXTRACT(EPOCH FROM ${ref}) * 1000 AS float8)`;
    if (c.kind === 'other') return `CAST(${ref} AS text)`;
    return ref;
  }

  /** ORDER BY term: text by code point, NULLs first ascending (SQLite's order, and compareValues'). */
  private orderTerm(c: PgColumn, descending: boolean): string {
    const ref = `t.${quoteIdent(c.name)}`;
    const key = c.kind === 'text' ? `${ref} COLLATE "C"` : c.kind === 'other' && c.whereType === 'string' ? `CAST(${ref} AS text) COLLATE "C"` : ref;
    return descending ? `${key} DESC NULLS LAST` : `${key} ASC NULLS FIRST`;
  }

  private sql(req: ScanRequest): { sql: string; params: unknown[]; columns: PgColumn[]; withGeometry: boolean } {
    const columns = req.fields.map((f) => this.column(f));
    const g = this.relation.geometry;
    const withGeometry = req.geometry && !!g;
    const select = [this.oid, ...columns.map((c) => this.selectExpression(c))];
    if (withGeometry) {
      const col = `t.${quoteIdent(g!.name)}`;
      select.push(`${this.gis('ST_AsBinary')}(${g!.curved ? `${this.gis('ST_CurveToLine')}(${col})` : col})`);
    }
    const filter = this.filterSql(req);
    const idColumn = this.column(this.schema.objectIdField);
    const orderBy = req.orderBy?.length ? req.orderBy : [{ field: idColumn.name, descending: false }];
    const order = orderBy.map((o) => ({ c: this.column(o.field), descending: o.descending }));
    if (!order.some((o) => o.c === idColumn)) order.push({ c: idColumn, descending: false });
    let sql = `SELECT ${select.join(', ')} ${filter.sql} ORDER BY ${order.map((o) => this.orderTerm(o.c, o.descending)).join(', ')}`;
    const params = [...filter.params];
    if (req.limit !== undefined) { params.push(Math.max(0, Math.trunc(req.limit))); sql += ` LIMIT $${params.length}::int8`; }
    if (req.offset) { params.push(Math.max(0, Math.trunc(req.offset))); sql += ` OFFSET $${params.length}::int8`; }
    return { sql, params, columns, withGeometry };
  }

  *scan(req: ScanRequest): Iterable<FeatureRow> {
    this.assertOpen();
    const { sql, params, columns, withGeometry } = this.sql(req);
    // A page that fits one round trip is read at once; anything larger streams through a cursor.
    const rows: Iterable<PgRow> = req.limit !== undefined && req.limit <= FETCH_SIZE
      ? this.run(() => this.db.query(sql, params))
      : this.rowsOf(this.db.cursor(sql, params));
    const geomIndex = columns.length + 1;
    for (const row of rows) {
      const attributes: Record<string, unknown> = {};
      for (let i = 0; i < columns.length; i++) attributes[columns[i]!.field.name] = toArcGisValue(columns[i]!.kind, row[i + 1]!);
      const wkb = withGeometry ? row[geomIndex] : null;
      const geometry = wkb ? decodeWkb(Buffer.from(wkb.slice(2), 'hex')) : null;
      yield { id: Number(row[0]), attributes, geometry };
    }
  }

  /** A cursor's rows with errors the request caused turned into FeatureQueryError. */
  private *rowsOf(cursor: Iterator<PgRow>): Iterable<PgRow> {
    try {
      for (;;) {
        const next = this.run(() => cursor.next());
        if (next.done) return;
        yield next.value;
      }
    } finally {
      cursor.return?.();
    }
  }

  /** The plan PostgreSQL chooses for `scan(req)` (EXPLAIN), to see whether a layer's indexes serve it. */
  explainScan(req: ScanRequest): string {
    this.assertOpen();
    const { sql, params } = this.sql(req);
    return this.run(() => this.db.query(`EXPLAIN ${sql}`, params)).map((r) => r[0]).join('\n');
  }

  count(req: Pick<ScanRequest, 'where' | 'objectIds' | 'bbox'>): number {
    this.assertOpen();
    const filter = this.filterSql(req);
    const [row] = this.run(() => this.db.query(`SELECT count(*) ${filter.sql}`, filter.params));
    return Number(row![0]);
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the PostGIS source '${this.relation.label}' is closed`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    releaseConnection(this.db);
  }
}
