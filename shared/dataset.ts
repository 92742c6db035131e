import type { InspectionCampaign } from './inspections.js';
import type { DrillView, InspectionView, RecordHistoryEntry, SelfCheckView } from './compliance.js';
import type { Device, GbNvr, GuardPost, PolicePost, School } from './domain/entities.js';
import type { EmergencyPlanVersion, SchoolPeopleVersion } from './domain/school-plan.js';
import type { SchoolSecurityRecord } from './domain/security-record.js';
import type { Hazard } from './rules/hazard.js';
import type { CameraFault } from './wall.js';

/** Dataset scales: `city` ≈ 1,800 schools / 25,000 cameras; `province` ≈ 50,000 schools / 500,000 cameras (benchmarks). */
export const DATASET_SCALES = ['city', 'province'] as const;
/** A dataset scale. */
export type DatasetScale = (typeof DATASET_SCALES)[number];

/** The registry of a city: what the generator makes and the server imports on first start. */
export interface Dataset {
  seed: number;
  scale: DatasetScale;
  schools: School[];
  policePosts: PolicePost[];
  guardPosts: GuardPost[];
  devices: Device[];
  /** The schools' NVRs (GB/T 28181 type 118), one per school; absent in a dataset made before issue 16. */
  nvrs?: GbNvr[];
  /** The compliance side (issue 5): records, routines, hazards, past outages. Absent in a registry-only dataset. */
  compliance?: DatasetCompliance;
}

/** A closed camera fault ticket of the past, as seeded. */
export type SeededCameraFault = Omit<CameraFault, 'id'>;

/** The compliance data of a seeded city, as of its reference date. */
export interface DatasetCompliance {
  /** Local date `YYYY-MM-DD` the data stands at. */
  referenceDate: string;
  securityRecords: SchoolSecurityRecord[];
  recordHistory: Omit<RecordHistoryEntry, 'id'>[];
  drills: DrillView[];
  inspections: InspectionView[];
  selfChecks: SelfCheckView[];
  hazards: Hazard[];
  cameraFaults: SeededCameraFault[];
  /** Every version of each school's people (校长, 保卫干部, 法制副校长), oldest first per school. */
  schoolPeople: SchoolPeopleVersion[];
  /** Every version of each school's emergency plan (预案); a few schools have none. */
  emergencyPlans: EmergencyPlanVersion[];
  /** The city's and counties' inspection campaigns with their circulars (二(五)2, issue 15), past terms and this one so far. */
  inspectionCampaigns?: InspectionCampaign[];
}
