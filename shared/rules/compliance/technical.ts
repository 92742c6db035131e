import type { DevicePlace } from '../../domain/entities.js';
import { EQUIPMENT_ITEMS } from '../../domain/security-record.js';
import { requiredGuards } from '../guards.js';
import type { ComplianceInput, Reason } from './types.js';

/** A rule's own verdict before phasing: met or not (or, for routines, not yet), and why. */
export interface Verdict {
  status: 'pass' | 'fail' | 'pending';
  reason: Reason;
}

/** A met verdict with its reason. */
export const pass = (zh: string, en: string): Verdict => ({ status: 'pass', reason: { zh, en } });
/** An unmet verdict with its reason. */
export const fail = (zh: string, en: string): Verdict => ({ status: 'fail', reason: { zh, en } });

const PLACE_NAMES: Record<DevicePlace, { zh: string; en: string }> = {
  gate: { zh: '大门', en: 'gate' },
  gate_room: { zh: '门卫室', en: 'gate room' },
  teaching_building: { zh: '教学楼出入口', en: 'teaching building entrance' },
  dormitory: { zh: '宿舍楼出入口', en: 'dormitory entrance' },
  corridor: { zh: '走廊', en: 'corridors' },
  canteen: { zh: '食堂操作间', en: 'canteen kitchen' },
  storage: { zh: '储藏室出入口', en: 'storage entrance' },
  playground: { zh: '操场', en: 'playground' },
  chemical_store: { zh: '危化品储存室', en: 'chemical store' },
  finance_room: { zh: '财务室', en: 'finance room' },
  laboratory: { zh: '实验室', en: 'laboratory' },
  control_room: { zh: '安防监控室', en: 'control room' },
  post: { zh: '护学岗', en: 'guard post' },
};

function missingPlaces(required: DevicePlace[], present: DevicePlace[]): DevicePlace[] {
  return required.filter((place) => !present.includes(place));
}

function listPlaces(places: DevicePlace[]): Reason {
  return { zh: places.map((p) => PLACE_NAMES[p].zh).join('、'), en: places.map((p) => PLACE_NAMES[p].en).join(', ') };
}

/** 附件1: full-time guards employed against the formula. */
export function guardsRule({ school }: ComplianceInput): Verdict {
  const required = requiredGuards({ people: school.students + school.staff, boarding: school.boarding, boarders: school.boarders });
  const text = `应配${required.value}名，实配${school.guards}名（${required.reason.zh}）`;
  const en = `${school.guards} employed of ${required.value} required (${required.reason.en})`;
  return school.guards >= required.value ? pass(text, en) : fail(text, en);
}

/** 附件2: one of each item per on-duty guard, and 2 restraint forks. */
export function equipmentRule({ record }: ComplianceInput): Verdict {
  const onDuty = Math.max(1, record.guardsOnDuty);
  const short = EQUIPMENT_ITEMS.filter((item) => record.equipment[item] < (item === 'restraintForks' ? 2 : onDuty));
  if (short.length === 0) return pass(`按值勤${onDuty}人配齐防卫器械`, `equipment complete for ${onDuty} on duty`);
  const names: Record<string, [string, string]> = {
    helmet: ['防爆头盔', 'helmets'], shield: ['防护盾牌', 'shields'], stabVest: ['防刺背心', 'stab vests'], cutGloves: ['防割手套', 'cut-proof gloves'],
    baton: ['橡胶警棍', 'batons'], flashlight: ['强光电筒', 'flashlights'], defenceSpray: ['自卫喷雾剂', 'defence sprays'], restraintForks: ['安全钢叉（2套）', 'restraint forks (2)'],
  };
  return fail(`值勤${onDuty}人，缺：${short.map((i) => names[i]?.[0]).join('、')}`, `${onDuty} on duty; short of ${short.map((i) => names[i]?.[1]).join(', ')}`);
}

export function closedCampusRule({ record }: ComplianceInput): Verdict {
  return record.closedCampus ? pass('已实行封闭化管理', 'closed campus') : fail('未实行封闭化管理', 'campus not closed');
}

export function antiRamRule({ record }: ComplianceInput): Verdict {
  return record.antiRamBarriers ? pass('校门口已设防冲撞设施', 'anti-ram barriers at the gate') : fail('校门口未设防冲撞设施', 'no anti-ram barriers at the gate');
}

/** 附件3 一(三): a one-key alarm in the gate room, linked to the police alarm centre. */
export function sosAlarmRule({ devices, record }: ComplianceInput): Verdict {
  if (!devices.sos.includes('gate_room')) return fail('门卫室未设一键式紧急报警装置', 'no one-key alarm in the gate room');
  if (!record.sosLinkedToPolice) return fail('一键报警未与属地接警中心联网', 'one-key alarm not linked to the police alarm centre');
  return pass('门卫室一键报警已与公安联网', 'gate-room one-key alarm linked to the police');
}

/** The places 附件3 一(四) asks cameras at, for this school. */
function requiredCameraPlaces(input: ComplianceInput): DevicePlace[] {
  const places: DevicePlace[] = ['gate', 'teaching_building', 'corridor', 'canteen', 'storage', 'playground'];
  if (input.school.boarding) places.push('dormitory');
  return places;
}

/** 附件3 一(二)(四)(六): gate camera usable at night, cameras at the listed places, video linked to the police. */
export function videoRule(input: ComplianceInput): Verdict {
  const missing = missingPlaces(requiredCameraPlaces(input), input.devices.camera);
  if (missing.length > 0) {
    const places = listPlaces(missing);
    return fail(`未安装视频监控：${places.zh}`, `no camera at: ${places.en}`);
  }
  if (!input.record.gateCameraNightCapable) return fail('大门摄像机夜间不能辨别人员体貌和车牌', 'gate camera cannot identify faces and plates at night');
  if (!input.record.videoLinkedToPolice) return fail('视频监控未接入公安机关监控平台', 'video not linked to the police platform');
  return pass('视频监控覆盖重点部位并与公安联网', 'cameras at every listed place, linked to the police');
}

/** 附件3 一(五): intrusion alarms in the finance room, and the chemical store and labs where the school has them. */
export function intrusionRule({ school, devices }: ComplianceInput): Verdict {
  const rooms: DevicePlace[] = school.stage === 'kindergarten' || school.stage === 'primary' ? ['finance_room'] : ['finance_room', 'chemical_store', 'laboratory'];
  const missing = missingPlaces(rooms, devices.intrusion);
  if (missing.length > 0) {
    const places = listPlaces(missing);
    return fail(`未安装入侵报警：${places.zh}`, `no intrusion alarm at: ${places.en}`);
  }
  return pass('重要部位均已安装入侵报警', 'intrusion alarms at every key room');
}

/**
 * 附件3 一(六), 二(二): a security control room, staffed by people with the basics ("安防监控室应保证有人员值班，
 * 安全技术防范岗位工作人员应具备必要的安防与法律专业基础知识"), with alarms linked to the police.
 */
export function controlRoomRule({ record }: ComplianceInput): Verdict {
  if (!record.controlRoom) return fail('未设置安防监控室', 'no security control room');
  if (!record.controlRoomStaffed) return fail('安防监控室无人值班', 'control room not staffed');
  if (!record.controlRoomQualified) return fail('安防监控室值班人员不具备安防与法律专业基础知识', 'control-room staff lack the security and legal basics');
  if (!record.alarmLinkedToPolice) return fail('报警系统未接入公安机关报警平台', 'alarms not linked to the police platform');
  return pass('安防监控室有具备专业知识的人员值班，报警系统已与公安联网', 'control room staffed by qualified staff, alarms linked to the police');
}
