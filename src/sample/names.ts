/**
 * Deterministic, unique place names in the anglicised Gaelic and Scots style of west-Highland
 * Ordnance Survey maps: settlements (Inver-, Kinloch-, Ach-, Bal-, Kil-…), hills (Ben, Sgurr,
 * Meall…), waters (Loch, Lochan, River, Allt), districts, islands and streets.
 * @module sample/names
 */
import { Random } from './prng.js';

/** River and loch name stems: the "Garry" of River Garry and Invergarry. */
const STEM_HEADS = ['ar', 'gar', 'mor', 'dal', 'cor', 'lin', 'fen', 'tor', 'shiel', 'ail', 'dess', 'nev', 'mal', 'ben', 'car', 'dor', 'eil', 'glas', 'lun', 'ran', 'tay', 'ul', 'cluan', 'loy', 'orr', 'tarr', 'gair', 'quo', 'kin', 'ess', 'ach', 'hourn', 'spe', 'brack', 'lag', 'moid', 'ronn', 'sun', 'teith', 'fiun'];
const STEM_TAILS = ['aig', 'ie', 'ary', 'ich', 'an', 'ort', 'ach', 'en', 'oy', 'art', 'ain', 'och', 'ish', 'ern', 'uie', 'ag', 'ay', 'ar', 'avie', 'ag', 'ness', 'ie', 'ock', 'ard', 'ine', 'ule'];

/** Generic settlement pieces: place-type prefix + optional article + descriptive ending. */
const PLACE_HEADS = ['Ach', 'Auch', 'Bal', 'Dal', 'Drum', 'Ard', 'Tor', 'Dun', 'Blair', 'Craig', 'Corr', 'Lag', 'Cul', 'Kil', 'Ault', 'Camus', 'Tigh', 'Glen', 'Strath', 'Port'];
const PLACE_LINKS = ['', '', '', 'na', 'nan', 'a'];
const PLACE_TAILS = ['carry', 'cloich', 'garve', 'more', 'beg', 'darroch', 'fearn', 'sheen', 'bane', 'roy', 'glass', 'dhu', 'gower', 'vaig', 'tullich', 'shellach', 'lea', 'craig', 'crask', 'maddy', 'ranich', 'cairn', 'loist', 'brae', 'keil', 'mally', 'donie', 'ruan', 'phuil', 'bhraid', 'lochan', 'aline', 'ness', 'bost', 'ure', 'ardy'];
const SAINTS = ['choan', 'mory', 'mallie', 'donan', 'chrenan', 'fillan', 'mun', 'ninian', 'bride', 'chattan', 'maluag', 'ean', 'kerran', 'michael'];

/** Gaelic hill elements. */
const ADJECTIVES = ['Mor', 'Beag', 'Dubh', 'Ruadh', 'Ban', 'Glas', 'Liath', 'Buidhe', 'Garbh', 'Fionn', 'Odhar', 'Dearg', 'Breac', 'Riabhach', 'Gorm'];
const GENITIVES = [
  'na Ciche', 'nan Coireachan', 'na Lapaich', 'an Fhuarain', 'nan Eag', 'na Feartaig', "a' Mhaim", 'an Tuim', 'na h-Iolaire',
  "a' Chaorainn", 'na Creige', 'an Lochain', "a' Bhealaich", 'nan Gobhar', 'na Moine', 'an t-Sagairt', 'nan Clach', 'na Saobhaidhe',
  "a' Ghlas-thuill", 'an Fheadain', 'na Dubh-Bheinne', 'nan Uan', 'an Eilein', "a' Mhuilinn", 'na Beinne', 'nan Ramh',
];
const STREET_NAMES = [
  'High Street', 'Station Road', 'Church Street', 'Shore Street', 'Mill Lane', 'Burnside', 'Bank Street', 'Victoria Road', 'Argyll Terrace',
  'Harbour Road', 'School Road', 'Park Road', 'Hillside', 'Braeside', 'Glebe Road', 'Castle Street', 'Market Street', 'Queen Street',
  'King Street', 'Cameron Road', 'MacDonald Crescent', 'Fraser Avenue', 'Grant Street', 'Stewart Place', 'Camanachd Crescent',
  'Kennedy Road', 'Millburn', 'Seafield Road', 'Telford Street', 'Bridge Street', 'Croft Road', 'Achnacarry Road', 'Manse Road',
  'Caledonian Road', 'Heather Drive', 'Rowan Place', 'Birch Grove', 'Riverside', 'Loch Road', 'Montrose Avenue', 'Lochiel Road',
  'Kilmallie Road', 'Lundy Road', 'Belford Road', 'Union Road', 'Abrach Road', 'Mamore Crescent', 'Drumfada Terrace', 'Inverlochy Place',
];

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Issues unique names from one seeded stream; every name is used at most once per generator. */
export class NameGenerator {
  private readonly random: Random;
  private readonly used = new Set<string>();

  constructor(seed: number) {
    this.random = new Random(seed);
  }

  /** Tries `make` until it yields an unused name; falls back to a numbered variant. */
  private unique(make: () => string): string {
    for (let attempt = 0; attempt < 60; attempt++) {
      const name = make();
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    const base = make();
    for (let k = 2; ; k++) {
      const name = `${base} ${k === 2 ? 'Beag' : k === 3 ? 'Mor' : k}`;
      if (!this.used.has(name)) { this.used.add(name); return name; }
    }
  }

  /** Marks a name as taken (e.g. one composed outside the generator). */
  reserve(name: string): boolean {
    if (this.used.has(name)) return false;
    this.used.add(name);
    return true;
  }

  /** A lower-case stem such as 'arkaig', shared by a river or loch and the places named after it. */
  stem(): string {
    const r = this.random;
    let stem = '';
    do {
      const head = r.pick(STEM_HEADS), tail = r.pick(STEM_TAILS);
      // Avoid doubled vowels at the join ("ie" + "ie"), which read badly.
      stem = /[aeiou]$/.test(head) && /^[aeiou]/.test(tail) ? head + tail.slice(1) : head + tail;
    } while (stem.length < 4 || this.used.has(`stem:${stem}`));
    this.used.add(`stem:${stem}`);
    return stem;
  }

  /** 'River Garry'. */
  river(stem: string): string {
    return this.unique(() => `River ${capitalise(stem)}`);
  }

  /** 'Loch Arkaig' for a named stem; otherwise 'Loch Dubh', 'Lochan na Moine'… */
  loch(stem?: string, small = false): string {
    const r = this.random;
    if (stem) return this.unique(() => `Loch ${capitalise(stem)}`);
    return this.unique(() => {
      const x = r.next();
      const qualifier = x < 0.35 ? r.pick(ADJECTIVES) : x < 0.7 ? r.pick(GENITIVES) : `${capitalise(r.pick(STEM_HEADS))}${r.pick(STEM_TAILS)}`;
      return `${small ? 'Lochan' : 'Loch'} ${qualifier}`;
    });
  }

  /** 'Allt a' Chaorainn', 'Allt Dubh', 'Allt Coire nan Eag'. */
  burn(): string {
    const r = this.random;
    return this.unique(() => {
      const x = r.next();
      if (x < 0.3) return `Allt ${r.pick(GENITIVES)}`;
      if (x < 0.45) return `Allt ${r.pick(ADJECTIVES)}`;
      if (x < 0.7) return `Allt Coire ${r.pick(GENITIVES)}`;
      return `Allt ${capitalise(r.pick(STEM_HEADS))}${r.pick(STEM_TAILS)}`;
    });
  }

  /** A hill name fitting its height: Ben/Sgurr/Aonach for the highest, Meall/Creag/Cnoc for low ones. */
  hill(heightM: number): string {
    const r = this.random;
    const generic = heightM >= 850 ? ['Ben', 'Sgurr', 'Aonach', 'Sgurr', 'Ben'] : heightM >= 550 ? ['Beinn', 'Sgurr', 'Stob', 'Carn', 'Meall'] : ['Meall', 'Creag', 'Cnoc', 'Meall', 'Carn'];
    return this.unique(() => {
      const g = r.pick(generic);
      if (g === 'Ben') return `Ben ${r.chance(0.6) ? `${capitalise(r.pick(STEM_HEADS))}${r.pick(STEM_TAILS)}` : r.pick(ADJECTIVES)}`;
      return `${g} ${r.chance(0.6) ? r.pick(GENITIVES) : r.pick(ADJECTIVES)}`;
    });
  }

  /**
   * A settlement name. With a river stem the place is an Inver- (river mouth); with a loch
   * stem a Kinloch- (loch head); otherwise a composed Ach-/Bal-/Kil-… name.
   */
  settlement(context: { riverMouth?: string; lochHead?: string } = {}): string {
    const r = this.random;
    if (context.lochHead) {
      const name = `Kinloch${context.lochHead}`;
      if (this.reserve(name)) return name;
    }
    if (context.riverMouth && r.chance(0.6)) {
      const name = `Inver${context.riverMouth}`;
      if (this.reserve(name)) return name;
    }
    return this.unique(() => {
      const head = r.pick(PLACE_HEADS);
      if (head === 'Kil') return `Kil${r.pick(SAINTS)}`;
      const link = r.pick(PLACE_LINKS);
      const tail = r.pick(PLACE_TAILS);
      const name = `${head}${link}${tail}`;
      return name.length > 15 ? `${head}${tail}` : name;
    });
  }

  /** 'Glen Garry' or 'Strath Garry'. */
  valley(stem: string, broad: boolean): string {
    return this.unique(() => `${broad ? 'Strath' : 'Glen'} ${capitalise(stem)}`);
  }

  /** An island: 'Eilean Mor', 'Soay'-like single words, 'Isle of Rona'. */
  island(): string {
    const r = this.random;
    return this.unique(() => (r.chance(0.5) ? `Eilean ${r.pick(ADJECTIVES)}` : capitalise(this.stem())));
  }

  /** A district or council name: 'Lochalsh', 'Knoydart', 'Morvern'-like. */
  district(): string {
    const r = this.random;
    return this.unique(() => {
      const stem = this.stem();
      const x = r.next();
      if (x < 0.35) return `Loch${stem}`;
      if (x < 0.7) return capitalise(stem.replace(/[aeiouy]+$/, '')) + r.pick(['dart', 'vern', 'tail', 'gour', 'aber', 'ross']);
      return `${capitalise(stem)} and ${capitalise(this.stem())}`;
    });
  }

  /** Street names for one settlement, unique within it (not reserved globally). */
  streets(count: number, settlement: string): string[] {
    const r = this.random;
    const pool = r.shuffle(STREET_NAMES.slice());
    const out: string[] = [];
    for (let k = 0; k < count; k++) {
      out.push(k < pool.length ? pool[k]! : `${settlement} Road ${k - pool.length + 1}`);
    }
    return out;
  }
}
