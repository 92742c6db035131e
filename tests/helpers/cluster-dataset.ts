import type { Dataset } from '../../shared/dataset.js';
import type { Device, School } from '../../shared/domain/index.js';
import { assignGbCodes } from '../../shared/rules/gb-assign.js';
import { makeSchool, makeSmallDataset } from '../../mocks/factories/dataset.js';
import { offDuty } from './server.js';

const DISTRICTS = ['410402', '410403', '410422'] as const;

/**
 * The cluster suites' dataset: `schools` schools over three districts, each with `cameras`
 * cameras, one SOS button, one intrusion sensor and one access-control door; the small dataset's
 * police posts, and its 护学岗 post off duty (nothing depends on the hour).
 */
export function clusterDataset(schools = 20, cameras = 5): Dataset {
  const base = makeSmallDataset();
  const list: School[] = Array.from({ length: schools }, (_, i) =>
    makeSchool({ id: `S${String(i + 1).padStart(4, '0')}`, districtCode: DISTRICTS[i % DISTRICTS.length]!, lat: 33.6 + (i % 10) * 0.02, lng: 113.2 + Math.floor(i / 10) * 0.02 }),
  );
  const listed: Device[] = list.flatMap((school) => [
    ...Array.from({ length: cameras }, (_, i): Device => ({ id: `CAM-${school.id}-${String(i + 1).padStart(2, '0')}`, kind: 'camera', schoolId: school.id, postId: null, place: i === 0 ? 'gate' : 'corridor', name: `摄像机${i + 1}` })),
    { id: `SOS-${school.id}-1`, kind: 'sos', schoolId: school.id, postId: null, place: 'gate_room', name: '一键报警' },
    { id: `INT-${school.id}-1`, kind: 'intrusion', schoolId: school.id, postId: null, place: 'finance_room', name: '入侵探测器' },
    { id: `ACC-${school.id}-1`, kind: 'access', schoolId: school.id, postId: null, place: 'gate', name: '校门门禁' },
  ]);
  listed.push({ id: 'PT-G0001', kind: 'post', schoolId: 'S0001', postId: 'G0001', place: 'post', name: '护学岗终端' });
  const { devices, nvrs } = assignGbCodes(list, listed);
  return offDuty({ ...base, schools: list, devices, nvrs });
}

/** The camera ids of `clusterDataset(schools, cameras)`. */
export function clusterCameraIds(schools = 20, cameras = 5): string[] {
  return clusterDataset(schools, cameras).devices.filter((device) => device.kind === 'camera').map((device) => device.id);
}
