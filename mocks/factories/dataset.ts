import type { Dataset } from '../../shared/dataset.js';
import type { Device, GuardPost, PolicePost, School } from '../../shared/domain/index.js';
import { assignGbCodes } from '../../shared/rules/gb-assign.js';

/** A school with sensible defaults; override what a test is about. */
export function makeSchool(overrides: Partial<School> & Pick<School, 'id'>): School {
  return {
    name: `测试学校${overrides.id}`,
    districtCode: '410402',
    address: '新华区测试路1号',
    stage: 'primary',
    setting: 'city',
    boarding: false,
    boarders: 0,
    students: 900,
    staff: 80,
    counterTerror: false,
    guards: 2,
    lat: 33.737,
    lng: 113.294,
    ...overrides,
  };
}

/** A police post with sensible defaults. */
export function makePolicePost(overrides: Partial<PolicePost> & Pick<PolicePost, 'id'>): PolicePost {
  return { name: `测试警务室${overrides.id}`, kind: 'room', districtCode: '410402', lat: 33.74, lng: 113.3, ...overrides };
}

/** A 护学岗 post with sensible defaults: staffed at the morning and afternoon gate peaks. */
export function makeGuardPost(overrides: Partial<GuardPost> & Pick<GuardPost, 'id'>): GuardPost {
  return {
    name: `测试护学岗${overrides.id}`,
    districtCode: '410402',
    schoolIds: [],
    person: '张护学',
    phone: '13800000000',
    duty: '疏导交通、护送学生、维护校门秩序',
    schedule: [{ start: '07:00', end: '08:00' }, { start: '17:00', end: '18:00' }],
    offDates: [],
    radiusM: 200,
    lat: 33.737,
    lng: 113.294,
    ...overrides,
  };
}

/** The devices a school has in a small test dataset: cameras, one SOS button, one intrusion sensor, one patrol point, one access-control door. */
function devicesOf(school: School, cameras: number): Device[] {
  const list: Device[] = [];
  for (let i = 1; i <= cameras; i++) {
    list.push({ id: `CAM-${school.id}-${String(i).padStart(2, '0')}`, kind: 'camera', schoolId: school.id, postId: null, place: i === 1 ? 'gate' : 'corridor', name: `摄像机${i}` });
  }
  list.push({ id: `SOS-${school.id}-1`, kind: 'sos', schoolId: school.id, postId: null, place: 'gate_room', name: '一键报警' });
  list.push({ id: `INT-${school.id}-1`, kind: 'intrusion', schoolId: school.id, postId: null, place: 'finance_room', name: '入侵探测器' });
  list.push({ id: `PAT-${school.id}-1`, kind: 'patrol', schoolId: school.id, postId: null, place: 'playground', name: '巡查点1' });
  list.push({ id: `ACC-${school.id}-1`, kind: 'access', schoolId: school.id, postId: null, place: 'gate', name: '校门门禁' });
  return list;
}

/** A three-school dataset for integration tests: fast to import, every device kind present. */
export function makeSmallDataset(): Dataset {
  const schools = [
    makeSchool({ id: 'S0001', name: '平顶山市新华区第一小学' }),
    makeSchool({ id: 'S0002', name: '平顶山市卫东区实验幼儿园', districtCode: '410403', stage: 'kindergarten', students: 240, staff: 30, lat: 33.735, lng: 113.335 }),
    makeSchool({ id: 'S0003', name: '叶县第一高级中学', districtCode: '410422', stage: 'senior', setting: 'town', students: 3200, staff: 260, boarding: true, boarders: 1800, counterTerror: true, guards: 9, lat: 33.627, lng: 113.357 }),
  ];
  const listed = schools.flatMap((s) => devicesOf(s, 3));
  listed.push({ id: 'PT-G0001', kind: 'post', schoolId: 'S0001', postId: 'G0001', place: 'post', name: '护学岗终端' });
  // GB/T 28181 codes as the generator gives them: S0001's NVR is 41040200001180000001, its cameras 4104020000131000000{1,2,3}.
  const { devices, nvrs } = assignGbCodes(schools, listed);
  return {
    seed: 1,
    scale: 'city',
    schools,
    policePosts: [
      { id: 'P001', name: '新华区中兴路警务室', kind: 'room', districtCode: '410402', lat: 33.74, lng: 113.3 },
      { id: 'P002', name: '叶县昆阳治安岗亭', kind: 'booth', districtCode: '410422', lat: 33.63, lng: 113.36 },
    ],
    guardPosts: [
      {
        id: 'G0001',
        name: '新华区第一小学护学岗',
        districtCode: '410402',
        schoolIds: ['S0001'],
        person: '王建国',
        phone: '13800000001',
        duty: '疏导交通、护送学生',
        schedule: [{ start: '07:00', end: '08:00' }, { start: '11:30', end: '12:30' }, { start: '17:00', end: '18:00' }],
        radiusM: 250,
        lat: 33.7372,
        lng: 113.2942,
      },
    ],
    devices,
    nvrs,
  };
}
