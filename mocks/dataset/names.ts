import type { SchoolSetting, SchoolStage } from '../../shared/domain/index.js';
import { KINDERGARTEN_NAMES, VILLAGE_ENDINGS, VILLAGE_SURNAMES } from './places.js';
import type { Random } from './random.js';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const UNITS = ['', '十', '百', '千', '万'];

/** Writes a positive integer the way school names do: 3 → 三, 12 → 十二, 105 → 一百零五. */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new Error(`chineseNumber: ${n}`);
  const digits = String(n).split('').map(Number);
  let out = '';
  let pendingZero = false;
  digits.forEach((digit, i) => {
    const unit = UNITS[digits.length - 1 - i] ?? '';
    if (digit === 0) {
      pendingZero = out !== '';
      return;
    }
    if (pendingZero) out += '零';
    pendingZero = false;
    // 十二, not 一十二, when the number starts in the tens
    out += digit === 1 && unit === '十' && i === 0 ? unit : (DIGITS[digit] ?? '') + unit;
  });
  return out;
}

/** Endings after an ordinal: 第三小学, 第二初级中学. */
const ORDINAL_ENDING: Record<SchoolStage, string> = {
  kindergarten: '幼儿园', primary: '小学', junior: '初级中学', senior: '高级中学', nine_year: '九年一贯制学校', special: '特殊教育学校',
};
/** Endings after a place: 建设路小学, 龙泉乡中心学校, 李庄村小学. */
const PLACE_ENDING: Record<SchoolStage, string> = {
  kindergarten: '幼儿园', primary: '小学', junior: '中学', senior: '高中', nine_year: '学校', special: '特殊教育学校',
};

/** Where a school sits, as far as its name is concerned. */
export interface NamingContext {
  stage: SchoolStage;
  setting: SchoolSetting;
  /** 平顶山市新华区, 叶县, 汝州市. */
  prefix: string;
  /** 平顶山市 for a city district (its senior highs belong to the city), else the prefix. */
  owner: string;
  /** The 镇/乡 for a school outside the core, or null in the core (街道). */
  town: string | null;
  village: string | null;
  road: string;
}

/** Names numbered 1, 2, 3… under one key: 叶县第一小学, 叶县第二小学. */
export interface NumberedSeries {
  key: string;
  name: (n: number) => string;
}

/**
 * Hands out school and post names, each at most once. Every name is tried from a few
 * believable patterns and falls back to an ordinal (第N…), so it always terminates.
 */
export class NameBook {
  private readonly taken = new Set<string>();
  private readonly ordinals = new Map<string, number>();

  constructor(private readonly random: Random) {}

  /** Claims the first free candidate, else the next free name of the numbered series. */
  claim(candidates: readonly string[], series: NumberedSeries): string {
    for (const candidate of candidates) {
      if (!this.taken.has(candidate)) {
        this.taken.add(candidate);
        return candidate;
      }
    }
    let n = this.ordinals.get(series.key) ?? 0;
    let name: string;
    do name = series.name(++n);
    while (this.taken.has(name));
    this.ordinals.set(series.key, n);
    this.taken.add(name);
    return name;
  }

  /** A unique, believable school name for the context. */
  schoolName(context: NamingContext): string {
    const { stage, prefix, town, village, road } = context;
    const place = PLACE_ENDING[stage];
    const numbered = (owner: string): NumberedSeries => ({
      key: `${owner}/${stage}`,
      name: (n) => `${owner}第${chineseNumber(n)}${ORDINAL_ENDING[stage]}`,
    });
    if (stage === 'special') return this.claim([`${prefix}${place}`], numbered(prefix));
    if (town && village && context.setting === 'rural' && stage !== 'senior') {
      const villageName = stage === 'junior' || stage === 'nine_year' ? `${town}${village}` : `${town}${village}村`;
      return this.claim([`${prefix}${villageName}${place}`], numbered(`${prefix}${town}`));
    }
    if (town) {
      const central = stage === 'senior' || stage === 'junior' ? [] : [`${prefix}${town}中心${place}`];
      return this.claim([...central, `${prefix}${town}${place}`], numbered(`${prefix}${town}`));
    }
    const r = this.random.next();
    switch (stage) {
      case 'senior':
        return this.claim(r < 0.15 ? [`${context.owner}实验高中`] : [], numbered(context.owner));
      case 'junior':
        if (r < 0.25) return this.claim([`${prefix}${road}${place}`], numbered(prefix));
        return this.claim([], numbered(r < 0.6 ? context.owner : prefix));
      case 'kindergarten':
        if (r < 0.1) return this.claim([`${prefix}实验${place}`], numbered(prefix));
        if (r < 0.5) return this.claim([`${prefix}${this.random.pick(KINDERGARTEN_NAMES)}${place}`], numbered(prefix));
        if (r < 0.7) return this.claim([`${prefix}${road}${place}`], numbered(prefix));
        return this.claim([], numbered(prefix));
      default:
        if (r < 0.12) return this.claim([`${prefix}实验${place}`], numbered(prefix));
        if (r < 0.5) return this.claim([`${prefix}${road}${place}`], numbered(prefix));
        return this.claim([], numbered(prefix));
    }
  }

  /** A village name such as 李庄 or 小王营. */
  village(): string {
    const small = this.random.chance(0.1) ? this.random.pick(['小', '大', '前', '后', '东', '西']) : '';
    return `${small}${this.random.pick(VILLAGE_SURNAMES)}${this.random.pick(VILLAGE_ENDINGS)}`;
  }
}
