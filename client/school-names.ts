import { findDistrict } from '../shared/domain/index.js';

/** A city prefix such as 平顶山市 (two to three characters and 市) with a name after it. */
const CITY_PREFIX = /^\p{Script=Han}{2,3}市(?=\p{Script=Han}{2})/u;

/**
 * The school's name as a map label: without the city and district it starts with
 * (平顶山市新华区东环路幼儿园 → 东环路幼儿园), since the map already shows where it is and
 * a short label leaves room for its neighbours'. The full name stays in the tooltip, lists and cards.
 */
export function shortSchoolName(name: string, districtCode: string): string {
  let short = name.replace(CITY_PREFIX, '');
  const district = findDistrict(districtCode)?.name;
  if (district && short.startsWith(district) && short.length > district.length + 1) short = short.slice(district.length);
  return short.length >= 2 ? short : name;
}
