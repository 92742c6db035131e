import type { Alarm, AlarmState, AlarmType, Device, School, SchoolStage } from '../../shared/domain/index.js';
import { DISTRICT_CODES, SCHOOL_STAGES } from '../../shared/domain/index.js';
import type { AlarmChange } from '../../shared/events.js';
import { DEFAULT_RISK_MODEL } from '../../shared/rules/risk.js';
import { DEFAULT_SEMESTERS } from '../../shared/rules/compliance/types.js';
import type { Clock } from '../../server/clock.js';
import { RiskRepository, type RiskAlarmRow } from '../../server/db/risk.repository.js';
import type { RunningServer } from '../../server/index.js';
import { RegistryService } from '../../server/services/registry.service.js';
import { RiskInputStore } from '../../server/services/risk-inputs.js';
import { RiskService } from '../../server/services/risk.service.js';

/** A box to spread the synthetic schools over: the city's, or a province's (Henan, about 167,000 km²). */
export const CITY_BOX = { south: 33.3, north: 34.2, west: 112.6, east: 113.8 };
export const PROVINCE_BOX = { south: 31.4, north: 36.3, west: 110.4, east: 116.6 };

/** A small deterministic generator (the same schools and inputs on every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32);
}

/** `count` schools over `box`, each with a gate camera and a corridor camera. */
export function syntheticRegistry(count: number, box: typeof CITY_BOX): { schools: School[]; devices: Device[] } {
  const rand = random(count);
  const schools: School[] = [];
  const devices: Device[] = [];
  for (let i = 0; i < count; i++) {
    const id = `R${String(i).padStart(6, '0')}`;
    const stage: SchoolStage = SCHOOL_STAGES[Math.floor(rand() * SCHOOL_STAGES.length)]!;
    schools.push({
      id, name: `合成学校${i}`, districtCode: DISTRICT_CODES[i % DISTRICT_CODES.length]!, address: '合成路1号', stage, setting: rand() < 0.4 ? 'city' : rand() < 0.5 ? 'town' : 'rural',
      boarding: false, boarders: 0, students: 800, staff: 60, counterTerror: false, guards: 2,
      lat: box.south + rand() * (box.north - box.south), lng: box.west + rand() * (box.east - box.west),
    });
    devices.push({ id: `RC-${id}-1`, kind: 'camera', schoolId: id, postId: null, place: 'gate', name: '校门摄像机' });
    devices.push({ id: `RC-${id}-2`, kind: 'camera', schoolId: id, postId: null, place: 'corridor', name: '走廊摄像机' });
  }
  return { schools, devices };
}

/** The risk repository over the server's database (history, audit), with the model's sources synthetic. */
class SyntheticRiskRepository extends RiskRepository {
  constructor(db: RunningServer['store']['db'], private readonly hazards: { schoolId: string; state: string; deadline: string | null; severity: string }[], private readonly drills: Map<string, string>) {
    super(db);
  }

  override alarmsPage(): Promise<RiskAlarmRow[]> {
    return Promise.resolve([]);
  }

  override outages(): Promise<{ deviceId: string; schoolId: string; openedAt: string; closedAt: string | null }[]> {
    return Promise.resolve([]);
  }

  override openHazards(): Promise<{ schoolId: string; state: string; deadline: string | null; severity: string }[]> {
    return Promise.resolve(this.hazards);
  }

  override lastDrills(): Promise<Map<string, string>> {
    return Promise.resolve(this.drills);
  }
}

const TYPES: AlarmType[] = ['sos', 'intrusion', 'access_anomaly', 'post_absent', 'intrusion'];
const STATES: AlarmState[] = ['resolved', 'resolved', 'false_alarm', 'new', 'cancelled'];

/**
 * A RiskService over `count` synthetic schools, wired to the running server's event bus (its
 * `risk:levels` events reach the screens), database (history, audit) and write queue, with its own
 * clock. Its inputs: about 4 alarms a school in 14 days, a camera down at one school in ten, a
 * hazard at one in five, a drill at half of them.
 */
export async function syntheticRisk(server: RunningServer, count: number, box: typeof CITY_BOX, clock: Clock): Promise<{ risk: RiskService; inputs: RiskInputStore; alarms: number; schoolIds: string[] }> {
  const { schools, devices } = syntheticRegistry(count, box);
  const registry = new RegistryService({ schools: () => Promise.resolve(schools), devices: () => Promise.resolve(devices), policePosts: () => Promise.resolve([]), guardPosts: () => Promise.resolve([]) });
  await registry.load();
  const rand = random(count + 1);
  const now = clock.now();
  const hazards = schools.filter(() => rand() < 0.2).map((s) => ({ schoolId: s.id, state: 'dispatched', deadline: rand() < 0.5 ? '2026-11-01' : '2027-01-31', severity: rand() < 0.1 ? 'major' : 'general' }));
  const drills = new Map(schools.filter(() => rand() < 0.5).map((s) => [s.id, '2026-10-10']));
  const inputs = new RiskInputStore({
    repository: new SyntheticRiskRepository(server.store.db, hazards, drills), registry, semesters: DEFAULT_SEMESTERS, model: DEFAULT_RISK_MODEL,
    live: { lateness: () => [], patrol: () => [], complianceFailures: () => Promise.resolve(null) },
  });
  const risk = new RiskService({
    registry, clock, events: server.services.events, inputs, repository: new RiskRepository(server.store.db), store: server.store, writes: server.services.writes, audit: server.services.audit,
    log: server.log.child({ part: 'risk-bench' }), model: DEFAULT_RISK_MODEL,
  });
  const changes: AlarmChange[] = [];
  let seq = 0;
  for (const school of schools) {
    const n = Math.floor(rand() * 9);
    for (let k = 0; k < n; k++) {
      const at = new Date(now - rand() * 14 * 86_400_000).toISOString();
      const alarm: Alarm = {
        id: `RA-${school.id}-${k}`, type: TYPES[Math.floor(rand() * TYPES.length)]!, priority: 2, state: STATES[Math.floor(rand() * STATES.length)]!, schoolId: school.id,
        deviceId: `RD-${school.id}`, districtCode: school.districtCode, openedAt: at, receivedAt: at, updatedAt: at, count: 1, lastSeenAt: at, drill: rand() < 0.05, unitId: null, disposition: null, transitions: [],
      };
      changes.push({ seq: ++seq, alarm });
    }
  }
  inputs.onAlarms(changes);
  inputs.onCameras(schools.filter(() => rand() < 0.1).map((s) => ({ deviceId: `RC-${s.id}-${rand() < 0.5 ? 1 : 2}`, schoolId: s.id, from: 'online' as const, to: 'offline' as const, at: now - rand() * 48 * 3_600_000 })));
  return { risk, inputs, alarms: changes.length, schoolIds: schools.map((s) => s.id) };
}
