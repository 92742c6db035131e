import type { Device, DeviceKind, DevicePlace, GuardPost, School } from '../../shared/domain/index.js';
import type { Random } from './random.js';

/** Place names as installers label devices (附件3). */
const PLACE_LABEL: Record<DevicePlace, string> = {
  gate: '校门', gate_room: '门卫室', teaching_building: '教学楼', dormitory: '宿舍楼', corridor: '走廊', canteen: '食堂',
  storage: '库房', playground: '操场', chemical_store: '危化品库', finance_room: '财务室', laboratory: '实验室',
  control_room: '安防监控室', post: '护学岗',
};

const SENIOR_STAGES = new Set<School['stage']>(['junior', 'senior', 'nine_year']);
/** People above which a school gets a second one-key alarm button. */
const SECOND_SOS_PEOPLE = 2500;

/**
 * Cameras per place (附件3): the gate camera (faces and plates, day and night) always, the rest
 * growing with the school's size. `density` scales the size-dependent part (1 for the city).
 */
function cameraPlaces(school: School, density: number, random: Random): DevicePlace[] {
  const size = Math.min(1, (school.students + school.staff) / 3000) ** 0.8;
  const grow = (max: number) => 1 + random.roundStochastic(size * max * density);
  const counts: [DevicePlace, number][] = [
    ['gate', 1],
    ['teaching_building', grow(5)],
    ['corridor', grow(12)],
    ['canteen', grow(2)],
    ['storage', 1],
    ['playground', grow(2)],
    ['dormitory', school.boarding ? Math.min(4, 1 + Math.floor(school.boarders / 500)) : 0],
    ['chemical_store', SENIOR_STAGES.has(school.stage) ? 1 : 0],
    ['laboratory', SENIOR_STAGES.has(school.stage) ? grow(2) : 0],
    ['finance_room', 1],
    ['control_room', 1],
  ];
  return counts.flatMap(([place, n]) => Array<DevicePlace>(n).fill(place));
}

/** Intrusion sensors (入侵报警): chemical store and labs only where junior-secondary science is taught. */
function intrusionPlaces(school: School): DevicePlace[] {
  return SENIOR_STAGES.has(school.stage) ? ['chemical_store', 'finance_room', 'laboratory'] : ['finance_room'];
}

/**
 * Access-control doors (门禁): the gate always, the dormitory of a boarding school, and the
 * hazardous-chemical store where one is kept. No random draw, so adding them left every other
 * generated figure of a seed unchanged.
 */
function accessPlaces(school: School): DevicePlace[] {
  return ['gate', ...(school.boarding ? (['dormitory'] as const) : []), ...(SENIOR_STAGES.has(school.stage) ? (['chemical_store'] as const) : [])];
}

const PATROL_PLACES: readonly DevicePlace[] = ['gate', 'teaching_building', 'canteen', 'playground', 'storage', 'control_room'];

function patrolPlaces(school: School, random: Random): DevicePlace[] {
  const candidates = [...PATROL_PLACES, ...(school.boarding ? (['dormitory'] as const) : [])];
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  return candidates.slice(0, random.int(3, 6));
}

function device(id: string, kind: DeviceKind, schoolId: string | null, place: DevicePlace, name: string, postId: string | null = null): Device {
  return { id, kind, schoolId, postId, place, name };
}

/** Numbers the devices of one kind at one place: 走廊摄像机, 走廊摄像机2, … */
function labeller(): (place: DevicePlace, thing: string) => string {
  const seen = new Map<string, number>();
  return (place, thing) => {
    const key = `${place}/${thing}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return `${PLACE_LABEL[place]}${thing}${n > 1 ? n : ''}`;
  };
}

/** Inputs of {@link generateDevices}. */
export interface DeviceInput {
  schools: School[];
  guardPosts: GuardPost[];
  /** Size-dependent camera density, 1 for the city. */
  cameraDensity: number;
  random: Random;
}

/**
 * The device registry: per school its cameras, one-key alarm buttons, intrusion sensors, patrol
 * points and access-control doors, then one terminal per 护学岗 post (attached to the post's first school).
 */
export function generateDevices(input: DeviceInput): Device[] {
  const { random } = input;
  const devices: Device[] = [];
  for (const school of input.schools) {
    const label = labeller();
    cameraPlaces(school, input.cameraDensity, random).forEach((place, i) => {
      const name = place === 'gate' ? '校门人脸车牌识别摄像机' : label(place, '摄像机');
      devices.push(device(`CAM-${school.id}-${String(i + 1).padStart(2, '0')}`, 'camera', school.id, place, name));
    });
    const buttons = school.students + school.staff > SECOND_SOS_PEOPLE ? 2 : 1;
    for (let i = 1; i <= buttons; i++) devices.push(device(`SOS-${school.id}-${i}`, 'sos', school.id, 'gate_room', label('gate_room', '一键报警按钮')));
    intrusionPlaces(school).forEach((place, i) => {
      devices.push(device(`INT-${school.id}-${i + 1}`, 'intrusion', school.id, place, label(place, '入侵探测器')));
    });
    patrolPlaces(school, random).forEach((place, i) => {
      devices.push(device(`PAT-${school.id}-${i + 1}`, 'patrol', school.id, place, label(place, '巡更点')));
    });
    accessPlaces(school).forEach((place, i) => {
      devices.push(device(`ACC-${school.id}-${i + 1}`, 'access', school.id, place, label(place, '门禁')));
    });
  }
  for (const post of input.guardPosts) {
    devices.push(device(`PT-${post.id}`, 'post', post.schoolIds[0] ?? null, 'post', `${post.name}签到终端`, post.id));
  }
  return devices;
}
