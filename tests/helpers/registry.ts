import { makeSmallDataset } from '../../mocks/factories/dataset.js';
import type { Dataset } from '../../shared/dataset.js';
import { RegistryService } from '../../server/services/registry.service.js';

/** The services' registry over a dataset held in memory (the small one by default), loaded: unit tests of a service without a database. */
export async function loadedRegistry(dataset: Dataset = makeSmallDataset()): Promise<RegistryService> {
  const registry = new RegistryService({
    schools: async () => dataset.schools,
    devices: async () => dataset.devices,
    policePosts: async () => dataset.policePosts,
    guardPosts: async () => dataset.guardPosts,
  });
  await registry.load();
  return registry;
}
