import type { Device, GuardPost, PolicePost, School } from './domain/entities.js';

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
}
