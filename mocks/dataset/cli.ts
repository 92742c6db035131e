/**
 * Writes a generated dataset to a file and prints its counts:
 *   tsx mocks/dataset/cli.ts [--scale city|province] [--seed N] [--out file.json]
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DATASET_SCALES, type DatasetScale } from '../../shared/dataset.js';
import { DEFAULT_SEED, generateDataset } from './index.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: 'city' },
    seed: { type: 'string', default: String(DEFAULT_SEED) },
    out: { type: 'string' },
  },
});

if (!DATASET_SCALES.includes(values.scale as DatasetScale)) {
  console.error(`--scale must be one of ${DATASET_SCALES.join(', ')}`);
  process.exit(2);
}
const seed = Number(values.seed);
if (!Number.isInteger(seed)) {
  console.error('--seed must be an integer');
  process.exit(2);
}

const started = performance.now();
const dataset = generateDataset({ seed, scale: values.scale as DatasetScale });
const generatedMs = performance.now() - started;

const byKind = new Map<string, number>();
for (const device of dataset.devices) byKind.set(device.kind, (byKind.get(device.kind) ?? 0) + 1);
const rooms = dataset.policePosts.filter((post) => post.kind === 'room').length;

console.log(`scale ${dataset.scale}, seed ${dataset.seed}`);
console.log(`schools       ${dataset.schools.length}`);
console.log(`police posts  ${dataset.policePosts.length} (${rooms} rooms, ${dataset.policePosts.length - rooms} booths)`);
console.log(`guard posts   ${dataset.guardPosts.length}`);
console.log(`devices       ${dataset.devices.length} (${[...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ')})`);
console.log(`generated in  ${(generatedMs / 1000).toFixed(2)} s`);
if (values.out) {
  writeFileSync(values.out, JSON.stringify(dataset));
  console.log(`written to    ${values.out} in ${((performance.now() - started) / 1000).toFixed(2)} s total`);
}
