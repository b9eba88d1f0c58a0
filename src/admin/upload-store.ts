/**
 * Uploaded items (the Administrator API's `uploads`): files sent to the server to publish from.
 * Each item is a folder `<data>/uploads/<itemID>/` holding the file, or the files of a zip
 * unpacked (a shapefile and its sidecars travel as one zip), and `item.json` describing it. An
 * item is written in a hidden folder and renamed into place once whole, so a failed or refused
 * upload leaves nothing behind. Zip entries are checked before any is written: absolute paths,
 * `..` components, links, and more bytes than the limit are refused.
 * @module admin/upload-store
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, normalize, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { AdminError } from './admin-error.js';

/** An uploaded item as the API describes it. */
export interface UploadItem {
  itemID: string;
  itemName: string;
  description: string;
  /** Relative to the data directory. */
  pathOnServer: string;
  /** Epoch ms. */
  date: number;
  committed: true;
  /** Bytes received. */
  size: number;
  /** Files of the item, relative to its folder: the file itself, or a zip's files. */
  files: string[];
}

const ITEM_ID = /^i[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** File names kept as sent, less anything that could name another folder. */
const SAFE_NAME = /^[^/\\\0]{1,200}$/;

export class UploadStore {
  /**
   * @param dir the uploads folder (`<data>/uploads`)
   * @param maxBytes largest upload, and largest total a zip may unpack to
   */
  constructor(private readonly dir: string, private readonly maxBytes: number) {}

  /** Every item, newest first. */
  list(): UploadItem[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir).filter((d) => ITEM_ID.test(d)).map((d) => this.get(d)).filter((i): i is UploadItem => !!i).sort((a, b) => b.date - a.date);
  }

  /** The item, or null when there is none with this ID. */
  get(itemID: string): UploadItem | null {
    if (!ITEM_ID.test(itemID)) return null;
    try { return JSON.parse(readFileSync(join(this.dir, itemID, 'item.json'), 'utf8')) as UploadItem; } catch { return null; }
  }

  /** Absolute paths of the item's files. */
  filePaths(item: UploadItem): string[] {
    return item.files.map((f) => join(this.dir, item.itemID, 'files', f));
  }

  /** Removes the item; false when there was none. */
  remove(itemID: string): boolean {
    if (!this.get(itemID)) return false;
    rmSync(join(this.dir, itemID), { recursive: true, force: true });
    return true;
  }

  /** Stores `content` as a new item named `fileName` (a `.zip` is unpacked). */
  async add(fileName: string, description: string, content: Readable): Promise<UploadItem> {
    const name = basename(fileName.replace(/\\/g, '/'));
    if (!SAFE_NAME.test(name) || name === '.' || name === '..') throw new AdminError(400, `'itemFile' has an unusable file name.`);
    const itemID = `i${randomUUID()}`;
    const staging = join(this.dir, `.${itemID}`);
    mkdirSync(join(staging, 'files'), { recursive: true });
    try {
      const received = join(staging, 'received');
      const size = await this.receive(content, received);
      let files: string[];
      if (/\.zip$/i.test(name)) {
        files = await unzipInto(received, join(staging, 'files'), this.maxBytes, name);
        rmSync(received);
        if (files.length === 0) throw new AdminError(400, `${name}: the zip holds no files.`);
      } else {
        renameSync(received, join(staging, 'files', name));
        files = [name];
      }
      const item: UploadItem = { itemID, itemName: name, description, pathOnServer: `uploads/${itemID}`, date: Date.now(), committed: true, size, files };
      writeFileSync(join(staging, 'item.json'), JSON.stringify(item));
      renameSync(staging, join(this.dir, itemID));
      return item;
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      throw e;
    }
  }

  /** Writes the stream to `path`, refusing more than `maxBytes`. */
  private async receive(content: Readable, path: string): Promise<number> {
    let size = 0;
    const max = this.maxBytes;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > max ? new AdminError(413, `The file is larger than the upload limit of ${max} bytes.`) : null, chunk);
      },
    });
    await pipeline(content, limit, createWriteStream(path));
    // @fastify/multipart marks a file cut at its own limit instead of failing the stream.
    if ((content as Readable & { truncated?: boolean }).truncated) throw new AdminError(413, `The file is larger than the upload limit of ${max} bytes.`);
    return size;
  }
}

/**
 * Unpacks a zip into `dir` and lists the files written (relative, '/'-separated). Every entry is
 * checked first, so a bad one leaves nothing written: folders are recreated, but absolute paths,
 * `..`, symbolic links and sizes beyond `maxBytes` in total are refused.
 */
async function unzipInto(zipPath: string, dir: string, maxBytes: number, label: string): Promise<string[]> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    // yauzl itself refuses absolute and `..` entry names (validateFileName) and checks entry sizes.
    yauzl.open(zipPath, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (err, z) => (err ? reject(new AdminError(400, `${label}: not a readable zip (${err.message}).`)) : resolve(z)));
  });
  try {
    const entries: yauzl.Entry[] = [];
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (e: yauzl.Entry) => { entries.push(e); zip.readEntry(); });
      zip.on('end', resolve);
      zip.on('error', (err: Error) => reject(new AdminError(400, `${label}: ${err.message}.`)));
      zip.readEntry();
    });
    let total = 0;
    const files: yauzl.Entry[] = [];
    for (const e of entries) {
      const unixMode = (e.externalFileAttributes >>> 16) & 0o170000;
      if (unixMode === 0o120000) throw new AdminError(400, `${label}: '${e.fileName}' is a symbolic link; links are not accepted.`);
      const rel = normalize(e.fileName);
      if (rel.startsWith('..') || rel.startsWith(sep) || rel.includes(`${sep}..${sep}`)) throw new AdminError(400, `${label}: '${e.fileName}' points outside the upload.`);
      if (e.fileName.endsWith('/')) continue;
      total += e.uncompressedSize;
      if (total > maxBytes) throw new AdminError(413, `${label} unpacks to more than the upload limit of ${maxBytes} bytes.`);
      files.push(e);
    }
    for (const e of files) {
      const target = join(dir, normalize(e.fileName));
      mkdirSync(dirname(target), { recursive: true });
      const stream = await new Promise<Readable>((resolve, reject) => zip.openReadStream(e, (err, s) => (err ? reject(new AdminError(400, `${label}: ${err.message}.`)) : resolve(s))));
      await pipeline(stream, createWriteStream(target));
    }
    return files.map((e) => normalize(e.fileName).split(sep).join('/'));
  } finally {
    zip.close();
  }
}
