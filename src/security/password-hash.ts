/**
 * Salted slow password hashes (scrypt) for the user store. A hash is self-describing,
 * `scrypt$<N>$<r>$<p>$<salt base64>$<key base64>`, so stronger parameters can be introduced
 * later without breaking the hashes already stored.
 * @module security/password-hash
 */
import crypto from 'node:crypto';

const N = 16384;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** Bounds on parameters read from a stored hash, so a damaged store cannot ask for gigabytes. */
const MAX_N = 1 << 20;
const MAX_R = 64;
const MAX_P = 16;

const FORMAT = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * Same parameters as new hashes, with a salt and key nobody's password produces on purpose: the
 * answer of a check against it is thrown away, only the work counts.
 */
const DUMMY_HASH = `scrypt$${N}$${R}$${P}$${Buffer.alloc(SALT_BYTES, 0x5a).toString('base64')}$${Buffer.alloc(KEY_BYTES, 0xa5).toString('base64')}`;

/**
 * Looked up on the module object at each call (not destructured at import) so a test can count
 * the scrypt runs of a code path.
 */
function scrypt(password: string, salt: Buffer, keyBytes: number, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password, salt, keyBytes, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** A fresh salted hash of `password`, safe to store. */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `password` matches `stored`; false for a stored value that is not a hash of this module. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = FORMAT.exec(stored);
  if (!m) return false;
  const n = Number(m[1]), r = Number(m[2]), p = Number(m[3]);
  const salt = Buffer.from(m[4]!, 'base64'), expected = Buffer.from(m[5]!, 'base64');
  if (n < 2 || n > MAX_N || (n & (n - 1)) !== 0 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  if (salt.length < 8 || expected.length < 16 || expected.length > 128) return false;
  const key = await scrypt(password, salt, expected.length, n, r, p);
  return crypto.timingSafeEqual(key, expected);
}

/**
 * Spends the work of one `verifyPassword` and answers false: used when the user does not exist,
 * so the time of a login attempt does not tell whether a user name is known.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(password, DUMMY_HASH);
  return false;
}
