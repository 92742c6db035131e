import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/auth.js';
import { canOpenScreen, navLinksFor, ROLE_SCREENS } from '../../shared/screens.js';
import { readFileSync } from 'node:fs';
import type { FeatureCollection } from 'geojson';
import { scopeBounds, CITY_BOUNDS, DISTRICT_BOUNDS } from '../../client/geo.js';
import { DISTRICTS } from '../../shared/domain/districts.js';

const linksOf = (role: Role, schoolId: string | null = null): string[] => navLinksFor({ role, schoolId }).map((link) => link.to);

describe(navLinksFor.name, () => {
  it("gives a police operator the console, never administration", () => {
    expect(linksOf('police_operator')).toEqual(['/', '/console', '/console/history', '/health', '/desk', '/drills']);
  });

  it('gives education staff no console (they do not act on alarms)', () => {
    expect(linksOf('education_staff')).toEqual(['/', '/console/history', '/health', '/desk', '/drills']);
  });

  it("gives a school user its own school's page instead of the district matrix, and no console", () => {
    expect(linksOf('school_user', 'S0001')).toEqual(['/', '/school', '/desk/schools/S0001', '/drills']);
    expect(canOpenScreen({ role: 'school_user' }, 'desk')).toBe(false);
    expect(canOpenScreen({ role: 'school_user' }, 'console')).toBe(false);
  });

  it('gives the viewer (a big screen) no console and no desk', () => {
    expect(linksOf('viewer')).toEqual(['/', '/health', '/drills']);
  });

  it('gives the administrator every screen', () => {
    expect(linksOf('admin')).toEqual(['/', '/console', '/console/history', '/health', '/desk', '/drills', '/admin']);
  });

  it('gives every role but the responder the map wall', () => {
    for (const role of ROLES.filter((candidate) => candidate !== 'responder')) expect(ROLE_SCREENS[role]).toContain('wall');
  });

  it("gives a responder its phone page (/m) only: no wall, no console, no links", () => {
    expect(ROLE_SCREENS.responder).toEqual(['responder']);
    expect(linksOf('responder')).toEqual([]);
    for (const role of ROLES.filter((candidate) => candidate !== 'responder')) expect(canOpenScreen({ role }, 'responder')).toBe(false);
  });
});

describe(scopeBounds.name, () => {
  const shapes = {
    type: 'FeatureCollection' as const,
    features: [
      { type: 'Feature' as const, id: '410402', properties: {}, geometry: { type: 'MultiPolygon' as const, coordinates: [[[[113.2, 33.7], [113.35, 33.7], [113.35, 33.8], [113.2, 33.7]]]] } },
      { type: 'Feature' as const, id: '410403', properties: {}, geometry: { type: 'Polygon' as const, coordinates: [[[113.3, 33.6], [113.5, 33.6], [113.4, 33.75], [113.3, 33.6]]] } },
    ],
  };
  const schools = [
    { districtCode: '410402', lat: 33.74, lng: 113.25 },
    { districtCode: '410402', lat: 33.76, lng: 113.3 },
    { districtCode: '410403', lat: 33.65, lng: 113.4 },
  ];

  it('opens on the whole city for a city-level person', () => {
    expect(scopeBounds(null, shapes, schools)).toEqual(CITY_BOUNDS);
  });

  it("opens on a county-level person's district polygon", () => {
    expect(scopeBounds('410402', shapes, schools)).toEqual([[33.7, 113.2], [33.8, 113.35]]);
    expect(scopeBounds('410403', shapes, schools)).toEqual([[33.6, 113.3], [33.75, 113.5]]);
  });

  it("opens on the district's recorded corners until the polygons are loaded, before any school is known", () => {
    expect(scopeBounds('410402', null, [])).toEqual(DISTRICT_BOUNDS['410402']);
    expect(scopeBounds('410402', null, schools)).toEqual(DISTRICT_BOUNDS['410402']);
  });

  it("falls back to the district's schools for a code without recorded corners", () => {
    const elsewhere = schools.map((school) => ({ ...school, districtCode: school.districtCode === '410402' ? '999999' : school.districtCode }));
    expect(scopeBounds('999999', null, elsewhere)).toEqual([[33.74, 113.25], [33.76, 113.3]]);
    expect(scopeBounds('999998', null, elsewhere)).toEqual(CITY_BOUNDS);
  });

  it("holds each district's recorded corners to the shipped district polygons: around the polygon, within 0.0001°", () => {
    const file = JSON.parse(readFileSync(new URL('../../assets/geo/pingdingshan-districts.geojson', import.meta.url), 'utf8')) as FeatureCollection;
    expect(Object.keys(DISTRICT_BOUNDS).sort()).toEqual(DISTRICTS.map((district) => district.code).sort());
    for (const district of DISTRICTS) {
      const [[south, west], [north, east]] = scopeBounds(district.code, file, []);
      const [[recordedSouth, recordedWest], [recordedNorth, recordedEast]] = DISTRICT_BOUNDS[district.code]!;
      for (const [outer, inner] of [[recordedSouth, south], [recordedWest, west], [-recordedNorth, -north], [-recordedEast, -east]] as const) {
        expect(outer).toBeLessThanOrEqual(inner);
        expect(inner - outer).toBeLessThan(0.0001 + 1e-9);
      }
    }
  });
});
