/**
 * A school's security record (安防档案): what the compliance rules need that the registry and
 * the live feeds do not say. Edited by authorised staff; every change is kept.
 */
export interface SchoolSecurityRecord {
  schoolId: string;
  /** Guards on duty per shift in the gate room (附件2 counts equipment per on-duty guard). */
  guardsOnDuty: number;
  /** Gate-room defensive equipment (附件2): counts held. */
  equipment: GateRoomEquipment;
  /** The gate camera identifies faces and number plates at night (附件3 一(二)). */
  gateCameraNightCapable: boolean;
  /** The one-key alarm is linked to the local police alarm centre (附件3 一(三)). */
  sosLinkedToPolice: boolean;
  /** Video is linked to the police monitoring platform (附件3 一(六)). */
  videoLinkedToPolice: boolean;
  /** Alarms are linked to the police alarm platform (附件3 一(六)). */
  alarmLinkedToPolice: boolean;
  /** A security control room (安防监控室) exists … */
  controlRoom: boolean;
  /** … and is staffed (附件3 二(二)). */
  controlRoomStaffed: boolean;
  /** Days of video kept (附件3 二(三)): ≥ 30, ≥ 90 for counter-terror key units. */
  retentionDays: number;
  /** 封闭化管理: closed campus. */
  closedCampus: boolean;
  /** 防冲撞设施: barriers, bollards or rising posts at the gate. */
  antiRamBarriers: boolean;
  /** 附件3 一(一): the local police (属地公安机关) have a camera outside the gate (大门外一定区域), clear at night. */
  gatePoliceCamera: boolean;
  /** 附件3 二(一): a named person (专人) is responsible for the security system's daily running. */
  systemManager: boolean;
  /** 附件3 二(一): an emergency plan (应急处置预案) for the security system's failure. */
  systemEmergencyPlan: boolean;
  /** 附件3 二(二): the control-room staff have the security and legal basics and can run and maintain the system. */
  controlRoomQualified: boolean;
}

/** The 附件3 fields added in issue 15: records stored before them read as not met. */
export const ANNEX3_FIELDS = ['gatePoliceCamera', 'systemManager', 'systemEmergencyPlan', 'controlRoomQualified'] as const;

/** 附件2 items, one each per on-duty guard, and restraint forks (2 per gate room). */
export const EQUIPMENT_ITEMS = ['helmet', 'shield', 'stabVest', 'cutGloves', 'baton', 'flashlight', 'defenceSpray', 'restraintForks'] as const;
/** A 附件2 item. */
export type EquipmentItem = (typeof EQUIPMENT_ITEMS)[number];
/** Counts of each 附件2 item held in the gate room. */
export type GateRoomEquipment = Record<EquipmentItem, number>;

/** One emergency drill (应急演练) held at a school. */
export interface DrillRecord {
  id: string;
  schoolId: string;
  /** Local date `YYYY-MM-DD`. */
  date: string;
  scenario: string;
}

/** One safety inspection (安全检查) of a school by the city or county education or police department. */
export interface InspectionRecord {
  id: string;
  schoolId: string;
  date: string;
  /** Who inspected: `education` (教体) or `police` (公安), and at which level. */
  by: 'city_education' | 'county_education' | 'city_police' | 'county_police';
  note: string | null;
}

/** One monthly hazard self-check (隐患自查) done by the school. */
export interface SelfCheckRecord {
  id: string;
  schoolId: string;
  date: string;
}
