/**
 * The ten county-level divisions of 平顶山市 (Pingdingshan), GB/T 2260 codes.
 * `urban` marks the city's own districts (区), where schools are denser. (The "1-3-5" on-scene
 * target follows each school's setting since issue 15, not this flag: docs/response-targets.md.)
 */
export const DISTRICTS = [
  { code: '410402', name: '新华区', nameEn: 'Xinhua', urban: true },
  { code: '410403', name: '卫东区', nameEn: 'Weidong', urban: true },
  { code: '410404', name: '石龙区', nameEn: 'Shilong', urban: true },
  { code: '410411', name: '湛河区', nameEn: 'Zhanhe', urban: true },
  { code: '410421', name: '宝丰县', nameEn: 'Baofeng', urban: false },
  { code: '410422', name: '叶县', nameEn: 'Ye County', urban: false },
  { code: '410423', name: '鲁山县', nameEn: 'Lushan', urban: false },
  { code: '410425', name: '郏县', nameEn: 'Jia County', urban: false },
  { code: '410481', name: '舞钢市', nameEn: 'Wugang', urban: false },
  { code: '410482', name: '汝州市', nameEn: 'Ruzhou', urban: false },
] as const;

/** A district's GB/T 2260 code. */
export type DistrictCode = (typeof DISTRICTS)[number]['code'];

/** One district of the city. */
export type District = (typeof DISTRICTS)[number];

/** All district codes, for zod enums and iteration. */
export const DISTRICT_CODES = DISTRICTS.map((d) => d.code) as [DistrictCode, ...DistrictCode[]];

/** Looks a district up by code; undefined for a code outside the city. */
export function findDistrict(code: string): District | undefined {
  return DISTRICTS.find((d) => d.code === code);
}

/**
 * A district's name in a screen's language: the English name for `en`, the Chinese name
 * otherwise. Given a code, the district it names; a code outside the city is returned as it is.
 */
export function districtNameIn(locale: string, district: District | string): string {
  if (typeof district !== 'string') return locale === 'en' ? district.nameEn : district.name;
  const found = findDistrict(district);
  return found ? districtNameIn(locale, found) : district;
}
