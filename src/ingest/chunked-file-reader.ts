/**
 * Random-access reads through one file handle with a read-ahead window, so that record-at-a-
 * time readers (shapefile, dBASE, FlatGeobuf) touch the disk in large sequential chunks while
 * holding only one chunk in memory, whatever the file's size.
 * @module ingest/chunked-file-reader
 */
import { open, type FileHandle } from 'node:fs/promises';

const DEFAULT_CHUNK = 1 << 20;

export class ChunkedFileReader {
  private window: Buffer;
  /** File offset of `window[0]`. */
  private start = 0;
  /** Valid bytes in the window. */
  private filled = 0;

  private constructor(private readonly handle: FileHandle, readonly path: string, readonly size: number, private readonly chunkSize: number) {
    this.window = Buffer.allocUnsafe(chunkSize);
  }

  static async open(path: string, chunkSize = DEFAULT_CHUNK): Promise<ChunkedFileReader> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      return new ChunkedFileReader(handle, path, size, chunkSize);
    } catch (e) {
      await handle.close();
      throw e;
    }
  }

  /**
   * `length` bytes at `position`, or fewer when the file ends first (callers check the length
   * to detect truncation). The returned buffer may share memory with the window: it is valid
   * only until the next call.
   */
  async read(position: number, length: number): Promise<Buffer> {
    if (position >= this.start && position + length <= this.start + this.filled) {
      return this.window.subarray(position - this.start, position - this.start + length);
    }
    const available = Math.max(0, Math.min(length, this.size - position));
    if (available > this.chunkSize) {
      // A record larger than the window: read it on its own.
      const big = Buffer.allocUnsafe(available);
      const { bytesRead } = await this.handle.read(big, 0, available, position);
      return big.subarray(0, bytesRead);
    }
    const { bytesRead } = await this.handle.read(this.window, 0, this.chunkSize, position);
    this.start = position;
    this.filled = bytesRead;
    return this.window.subarray(0, Math.min(length, bytesRead));
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
