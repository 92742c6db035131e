import type { SessionUser } from '../auth.js';
import { findDistrict } from '../domain/districts.js';
import type { PolicePost } from '../domain/entities.js';
import { refusal, type RefusalWords } from '../refusal.js';

/**
 * Which units (police posts) a person may send (issue 12): a city-level operator any unit, a
 * county operator only the units of their own district. A unit of another county is the other
 * county's to send: a cross-district request goes through the city command centre (市局指挥中心),
 * whose operators are city-level and may dispatch it. Null when allowed, or when the unit is
 * unknown (the command is then refused as an unknown unit).
 */
export function dispatchRefusal(user: Pick<SessionUser, 'districtCode'>, unit: Pick<PolicePost, 'id' | 'name' | 'districtCode'> | undefined): RefusalWords | null {
  if (!unit || user.districtCode === null || user.districtCode === unit.districtCode) return null;
  const theirs = findDistrict(unit.districtCode);
  const mine = user.districtCode ? findDistrict(user.districtCode) : undefined;
  return refusal(
    `出警单位“${unit.name}”属于${theirs?.name ?? unit.districtCode}，不在您的派警范围（${mine?.name ?? user.districtCode ?? ''}）内：跨区县调派警力请报市局指挥中心`,
    `unit ${unit.id} belongs to ${theirs?.nameEn ?? unit.districtCode}, outside the units you may send (${mine?.nameEn ?? user.districtCode ?? ''}): ask the city command centre for a cross-district unit`,
  );
}
