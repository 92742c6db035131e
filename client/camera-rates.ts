import { DISTRICTS, type DistrictCode, type School } from '../shared/domain/index.js';
import type { SchoolCameraCount } from '../shared/wall.js';

/** Cameras online of total, and the share online (null when there are no cameras to count). */
export interface CameraRate {
  online: number;
  total: number;
  rate: number | null;
}

/** One district's cameras, and how many of its schools have at least one camera down. */
export interface DistrictCameraRate extends CameraRate {
  districtCode: DistrictCode;
  schoolsWithCameraDown: number;
}

/** The share online, or null for no cameras. */
export function cameraRate(online: number, total: number): CameraRate {
  return { online, total, rate: total > 0 ? online / total : null };
}

/**
 * A share as a percentage with one decimal, rounded down: 25,975 of 25,981 cameras online must
 * read 99.9 %, never 100.0 %. Null reads as a dash.
 */
export function percentDown(rate: number | null): string {
  return rate === null ? '—' : `${(Math.floor(rate * 1000) / 10).toFixed(1)}%`;
}

/**
 * Per-district camera online rates from the schools' `[schoolId, online, total]` and the
 * registry (which district each school is in, and its registered cameras: a school without a
 * count has them all online). Every district is listed, in the registry's order, with the city's
 * total beside them.
 */
export function districtCameraRates(
  schools: readonly Pick<School, 'id' | 'districtCode'>[],
  counts: ReadonlyMap<string, SchoolCameraCount>,
  registered: ReadonlyMap<string, number> = new Map(),
): { districts: DistrictCameraRate[]; city: CameraRate } {
  const byDistrict = new Map<DistrictCode, { online: number; total: number; down: number }>(
    DISTRICTS.map((district) => [district.code, { online: 0, total: 0, down: 0 }]),
  );
  let online = 0;
  let total = 0;
  for (const school of schools) {
    const sums = byDistrict.get(school.districtCode);
    if (!sums) continue;
    const count = counts.get(school.id);
    const schoolTotal = count ? count[2] : registered.get(school.id);
    if (schoolTotal === undefined) continue;
    const schoolOnline = count ? count[1] : schoolTotal;
    sums.online += schoolOnline;
    sums.total += schoolTotal;
    if (schoolOnline < schoolTotal) sums.down += 1;
    online += schoolOnline;
    total += schoolTotal;
  }
  const districts = [...byDistrict].map(([districtCode, sums]) => ({
    districtCode,
    ...cameraRate(sums.online, sums.total),
    schoolsWithCameraDown: sums.down,
  }));
  return { districts, city: cameraRate(online, total) };
}
