import { findDistrict } from '../shared/domain/index.js';

/** A city prefix such as 平顶山市 (two to three characters and 市) with a name after it. */
const CITY_PREFIX = /^\p{Script=Han}{2,3}市(?=\p{Script=Han}{2})/u;

/**
 * The school's name as a map label: without the city and district it starts with
 * (平顶山市新华区东环路幼儿园 → 东环路幼儿园), since the map already shows where it is and a short
 * label leaves room for its neighbours'. A city-level school keeps 市 (平顶山市第二初级中学 →
 * 市第二初级中学), so it never reads as the district's school of the same name. The full name
 * stays in the ring's tooltip, the lists and the cards.
 */
export function shortSchoolName(name: string, districtCode: string): string {
  const district = findDistrict(districtCode)?.name;
  const city = CITY_PREFIX.exec(name)?.[0];
  const cityLevel = city !== undefined && city !== district;
  const rest = cityLevel ? name.slice(city.length) : name;
  if (district && rest.startsWith(district) && rest.length > district.length + 1) return rest.slice(district.length);
  return cityLevel ? `市${rest}` : name;
}
