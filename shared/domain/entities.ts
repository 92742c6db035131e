import type { DistrictCode } from './districts.js';

/** School stage (学段): 幼儿园, 小学, 初中, 高中, 九年一贯制, 特教. */
export const SCHOOL_STAGES = ['kindergarten', 'primary', 'junior', 'senior', 'nine_year', 'special'] as const;
/** A school's stage. */
export type SchoolStage = (typeof SCHOOL_STAGES)[number];

/** Setting (城乡类别): 城市 city, 城镇 town, 乡村 rural — the phased targets depend on it. */
export const SCHOOL_SETTINGS = ['city', 'town', 'rural'] as const;
/** A school's setting. */
export type SchoolSetting = (typeof SCHOOL_SETTINGS)[number];

/** A geographic point, WGS-84 degrees. */
export interface LatLng {
  lat: number;
  lng: number;
}

/** A school or kindergarten (学校 / 幼儿园). */
export interface School extends LatLng {
  id: string;
  name: string;
  districtCode: DistrictCode;
  address: string;
  stage: SchoolStage;
  setting: SchoolSetting;
  /** 寄宿制学校: has boarders. */
  boarding: boolean;
  boarders: number;
  students: number;
  staff: number;
  /** 反恐重点单位: counter-terror key unit (90-day video retention). */
  counterTerror: boolean;
  /** Full-time guards (专职保安员) employed. */
  guards: number;
}

/** Police post kinds: 警务室 (police room) and 治安岗亭 (police booth). */
export const POLICE_POST_KINDS = ['room', 'booth'] as const;
/** A police post's kind. */
export type PolicePostKind = (typeof POLICE_POST_KINDS)[number];

/** A police room or booth, a unit that can be dispatched to a school. */
export interface PolicePost extends LatLng {
  id: string;
  name: string;
  kind: PolicePostKind;
  districtCode: DistrictCode;
}

/** One staffed window of a 护学岗 post, local time (Asia/Shanghai) "HH:MM". */
export interface DutyWindow {
  start: string;
  end: string;
}

/**
 * 护学岗: a fixed post at a school gate staffed at peak hours —
 * 定点定岗定责定人 (fixed place, post, duty and named person).
 */
export interface GuardPost extends LatLng {
  id: string;
  name: string;
  districtCode: DistrictCode;
  /** Schools the post covers (usually one; neighbouring gates may share one). */
  schoolIds: string[];
  /** The named person on duty. */
  person: string;
  phone: string;
  /** Duty, e.g. "疏导交通、护送学生". */
  duty: string;
  schedule: DutyWindow[];
  /** ISO weekdays the post is staffed (1 Monday … 7 Sunday); absent means school days, Monday to Friday. */
  days?: number[];
  /** Local dates (`YYYY-MM-DD`, Asia/Shanghai) the post is off: holidays and school closures. */
  offDates?: string[];
  /** Coverage radius shown on the map, metres. */
  radiusM: number;
}

/**
 * Device kinds in the registry; `GET /api/v1/devices?kind=` filters on these. `access` is an
 * access-control door (门禁): gate, dormitory or store room, reporting forced / held-open doors.
 */
export const DEVICE_KINDS = ['camera', 'sos', 'intrusion', 'post', 'patrol', 'access'] as const;
/** A device's kind. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Where a device is installed (附件3's list of places). */
export const DEVICE_PLACES = [
  'gate', 'gate_room', 'teaching_building', 'dormitory', 'corridor', 'canteen', 'storage',
  'playground', 'chemical_store', 'finance_room', 'laboratory', 'control_room', 'post',
] as const;
/** A device's place. */
export type DevicePlace = (typeof DEVICE_PLACES)[number];

/** A registered device: camera, one-key alarm button, intrusion sensor, 护学岗 terminal, patrol point, access-control door. */
export interface Device {
  id: string;
  kind: DeviceKind;
  /** The school it belongs to; for a 护学岗 terminal, the first school its post covers. */
  schoolId: string | null;
  /** The 护学岗 post, for kind `post`. */
  postId: string | null;
  place: DevicePlace;
  name: string;
  /** Its GB/T 28181 code (shared/gb-code.ts): cameras (131) and alarm inputs (134, kinds `sos` and `intrusion`); absent for other kinds. */
  gbCode?: string;
  /** The GB code of the NVR it is a channel of, when it is reached through one. */
  gbParent?: string;
}

/**
 * A school's NVR (硬盘录像机, GB type 118): a GB/T 28181 device whose channels are the school's
 * cameras and alarm inputs. It raises no event of its own: it registers, keeps alive and reports
 * for its channels.
 */
export interface GbNvr {
  /** 20-digit GB code, type 118. */
  code: string;
  schoolId: string;
  name: string;
}
