import type { Device, DeviceKind, GbNvr, GuardPost, PolicePost, School } from '../../shared/domain/index.js';

/** Where the registry is read from: the database's RegistryRepository, or a dataset in a test. */
export interface RegistrySource {
  schools(): Promise<School[]>;
  devices(): Promise<Device[]>;
  policePosts(): Promise<PolicePost[]>;
  guardPosts(): Promise<GuardPost[]>;
  /** The schools' NVRs (GB/T 28181); a source without them has none. */
  nvrs?(): Promise<GbNvr[]>;
}

/** What a GB/T 28181 code names in the registry: a school device (camera or alarm input) or a school's NVR. */
export type GbEntry = { device: Device } | { nvr: GbNvr };

/**
 * The registry held in memory: read on every ingest item and every wall snapshot,
 * written only by an import. Lookups are O(1) by id.
 */
export class RegistryService {
  private schoolsById = new Map<string, School>();
  private devicesById = new Map<string, Device>();
  private devicesBySchool = new Map<string, Device[]>();
  private terminalsByPost = new Map<string, Device>();
  private schoolList: School[] = [];
  private deviceList: Device[] = [];
  private policePostList: PolicePost[] = [];
  private guardPostList: GuardPost[] = [];
  private nvrList: GbNvr[] = [];
  private devicesByGbCode = new Map<string, Device>();
  private nvrsByCode = new Map<string, GbNvr>();
  private channelsByNvr = new Map<string, Device[]>();

  private loads = 0;

  constructor(private readonly repository: RegistrySource) {}

  /** How many times the registry was (re)read: the worker pool reads it again when this moves. */
  get version(): number {
    return this.loads;
  }

  /** (Re)reads the whole registry from the database. */
  async load(): Promise<void> {
    const [schools, devices, policePosts, guardPosts, nvrs] = await Promise.all([
      this.repository.schools(),
      this.repository.devices(),
      this.repository.policePosts(),
      this.repository.guardPosts(),
      this.repository.nvrs?.() ?? Promise.resolve([]),
    ]);
    this.nvrList = nvrs;
    this.nvrsByCode = new Map(nvrs.map((n) => [n.code, n]));
    this.schoolList = schools;
    this.deviceList = devices;
    this.policePostList = policePosts;
    this.guardPostList = guardPosts;
    this.loads++;
    this.schoolsById = new Map(schools.map((s) => [s.id, s]));
    this.devicesById = new Map(devices.map((d) => [d.id, d]));
    this.devicesBySchool = new Map();
    this.terminalsByPost = new Map();
    this.devicesByGbCode = new Map();
    this.channelsByNvr = new Map();
    for (const device of devices) this.index(device);
  }

  /** Files a device under every lookup. */
  private index(device: Device): void {
    if (device.schoolId) push(this.devicesBySchool, device.schoolId, device);
    if (device.kind === 'post' && device.postId) this.terminalsByPost.set(device.postId, device);
    if (device.gbCode) this.devicesByGbCode.set(device.gbCode, device);
    if (device.gbParent) push(this.channelsByNvr, device.gbParent, device);
  }

  /**
   * A device added after the registry was read (a catalog channel the administrator assigned,
   * already stored): in every lookup from now on, and the version moves so that the workers read
   * the registry again.
   */
  addDevice(device: Device): void {
    if (this.devicesById.has(device.id)) throw new Error(`device ${device.id} is already registered`);
    this.devicesById.set(device.id, device);
    this.deviceList = [...this.deviceList, device];
    this.index(device);
    this.loads++;
  }

  /** What a GB/T 28181 code names: a camera or alarm input, or a school's NVR; undefined for a code the registry does not have. */
  byGbCode(code: string): GbEntry | undefined {
    const device = this.devicesByGbCode.get(code);
    if (device) return { device };
    const nvr = this.nvrsByCode.get(code);
    return nvr ? { nvr } : undefined;
  }

  /** The channels (cameras and alarm inputs) of the NVR with this code; empty for an unknown code. */
  gbChannels(nvrCode: string): Device[] {
    return this.channelsByNvr.get(nvrCode) ?? [];
  }

  /** The schools' NVRs, by code. */
  nvrs(): GbNvr[] {
    return this.nvrList;
  }

  device(id: string): Device | undefined {
    return this.devicesById.get(id);
  }

  school(id: string): School | undefined {
    return this.schoolsById.get(id);
  }

  /** The school an event from this device concerns: its own, or the first its 护学岗 post covers. */
  schoolOfDevice(device: Device): School | undefined {
    if (device.schoolId) return this.schoolsById.get(device.schoolId);
    const post = device.postId ? this.guardPostList.find((p) => p.id === device.postId) : undefined;
    const first = post?.schoolIds[0];
    return first ? this.schoolsById.get(first) : undefined;
  }

  schools(filter: { districtCode?: string } = {}): School[] {
    return filter.districtCode ? this.schoolList.filter((s) => s.districtCode === filter.districtCode) : this.schoolList;
  }

  devices(filter: { kind?: DeviceKind; schoolId?: string } = {}): Device[] {
    const scope = filter.schoolId ? (this.devicesBySchool.get(filter.schoolId) ?? []) : this.deviceList;
    return filter.kind ? scope.filter((d) => d.kind === filter.kind) : scope;
  }

  /** The check-in terminal of a 护学岗 post. */
  postTerminal(postId: string): Device | undefined {
    return this.terminalsByPost.get(postId);
  }

  policePosts(): PolicePost[] {
    return this.policePostList;
  }

  /** A police post (a unit an alarm is dispatched to) by id. */
  policePost(id: string): PolicePost | undefined {
    return this.policePostList.find((p) => p.id === id);
  }

  guardPosts(): GuardPost[] {
    return this.guardPostList;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
