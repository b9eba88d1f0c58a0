import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodingForLabel, resolveDbfCodePage } from './code-page.js';
import { IngestError } from './ingest-error.js';

const cpg = (text: string) => ({ path: '/data/roads.cpg', text });

describe('encodingForLabel', () => {
  it('reads the .cpg spellings GDAL, ArcGIS and QGIS write', () => {
    const cases: [string, string][] = [
      ['UTF-8', 'utf-8'], ['utf8\r\n', 'utf-8'], ['65001', 'utf-8'],
      ['1252', 'windows-1252'], ['CP1252', 'windows-1252'], ['ANSI 1251', 'windows-1251'], ['windows-1251', 'windows-1251'],
      ['ISO-8859-1', 'iso-8859-1'], ['88591', 'iso-8859-1'], ['8859-15', 'iso-8859-15'], ['ISO8859_2', 'iso-8859-2'], ['28605', 'iso-8859-15'],
      ['LATIN1', 'latin1'], ['SJIS', 'sjis'], ['Shift_JIS', 'shift_jis'], ['932', 'shift_jis'], ['BIG5', 'big5'], ['936', 'gbk'],
      ['437', 'cp437'], ['CP850', 'cp850'], ['OEM', 'cp437'], ['866', 'ibm866'], ['KOI8-R', 'koi8-r'], ['\uFEFFUTF-8', 'utf-8'],
    ];
    for (const [label, expected] of cases) assert.equal(encodingForLabel(label), expected, label);
  });

  it('knows no made-up code page', () => {
    assert.equal(encodingForLabel('KLINGON'), null);
    assert.equal(encodingForLabel('99999'), null);
  });
});

describe('resolveDbfCodePage', () => {
  it('prefers the .cpg to the language driver', () => {
    const cp = resolveDbfCodePage(cpg('UTF-8'), 0x57, '/data/roads.dbf');
    assert.equal(cp.label, 'utf-8');
    assert.equal(cp.declaredBy, '/data/roads.cpg');
    assert.equal(cp.decode(Buffer.from('Zürich', 'utf8')), 'Zürich');
  });

  it('decodes windows-1252 with its own characters (€, curly quotes) and ISO-8859-1 as windows-1252', () => {
    const bytes = Buffer.from([0x80, 0x20, 0x93, 0x51, 0x94, 0x20, 0xe9]);
    assert.equal(resolveDbfCodePage(cpg('1252'), 0, 'x.dbf').decode(bytes), '€ “Q” é');
    // LDID 0x57 is GDAL's ISO-8859-1; 0x03 is code page 1252.
    assert.equal(resolveDbfCodePage(null, 0x57, 'x.dbf').decode(bytes), '€ “Q” é');
    assert.equal(resolveDbfCodePage(null, 0x03, 'x.dbf').label, 'windows-1252');
  });

  it('maps language drivers to DOS and Windows code pages', () => {
    assert.equal(resolveDbfCodePage(null, 0x01, 'x.dbf').decode(Buffer.from([0x81, 0x94])), 'üö'); // cp437
    assert.equal(resolveDbfCodePage(null, 0x26, 'x.dbf').decode(Buffer.from([0x8c, 0xae, 0xe1, 0xaa, 0xa2, 0xa0])), 'Москва'); // cp866
    assert.equal(resolveDbfCodePage(null, 0xc9, 'x.dbf').decode(Buffer.from([0xcc, 0xee, 0xf1, 0xea, 0xe2, 0xe0])), 'Москва'); // 1251
    assert.equal(resolveDbfCodePage(null, 0x7b, 'x.dbf').decode(Buffer.from([0x93, 0x8c, 0x8b, 0x9e])), '東京'); // 932
    assert.equal(resolveDbfCodePage(null, 0x01, '/data/x.dbf').declaredBy, 'language driver 0x01 of /data/x.dbf');
  });

  it('without a declaration reads UTF-8 when the bytes are UTF-8, else ISO-8859-1', () => {
    const cp = resolveDbfCodePage(null, 0, 'x.dbf');
    assert.equal(cp.declaredBy, 'default');
    assert.equal(cp.decode(Buffer.from('Ørsted', 'utf8')), 'Ørsted');
    assert.equal(cp.decode(Buffer.from('Ørsted', 'latin1')), 'Ørsted');
    assert.equal(cp.decode(Buffer.from('plain')), 'plain');
  });

  it('treats an empty .cpg as no declaration', () => {
    assert.equal(resolveDbfCodePage(cpg('  \r\n'), 0x57, 'x.dbf').label, 'iso-8859-1');
  });

  it('names the file and the code page it cannot decode', () => {
    assert.throws(() => resolveDbfCodePage(cpg('EBCDIC-FR-42'), 0, 'x.dbf'), (e: unknown) => e instanceof IngestError && e.file === '/data/roads.cpg' && /roads\.cpg: unknown code page 'EBCDIC-FR-42'/.test(e.message));
    assert.throws(() => resolveDbfCodePage(null, 0x68, '/data/old.dbf'), /old\.dbf: language driver 0x68 names code page 895/);
  });
});
