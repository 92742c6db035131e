import type { Device, DeviceKind, GuardPost, PolicePost, School } from '../../shared/domain/index.js';

/** Where the registry is read from: the database's RegistryRepository, or a dataset in a test. */
export interface RegistrySource {
  schools(): Promise<School[]>;
  devices(): Promise<Device[]>;
  policePosts(): Promise<PolicePost[]>;
  guardPosts(): Promise<GuardPost[]>;
}

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

  private loads = 0;

  constructor(private readonly repository: RegistrySource) {}

  /** How many times the registry was (re)read: the worker pool reads it again when this moves. */
  get version(): number {
    return this.loads;
  }

  /** (Re)reads the whole registry from the database. */
  async load(): Promise<void> {
    const [schools, devices, policePosts, guardPosts] = await Promise.all([
      this.repository.schools(),
      this.repository.devices(),
      this.repository.policePosts(),
      this.repository.guardPosts(),
    ]);
    this.schoolList = schools;
    this.deviceList = devices;
    this.policePostList = policePosts;
    this.guardPostList = guardPosts;
    this.loads++;
    this.schoolsById = new Map(schools.map((s) => [s.id, s]));
    this.devicesById = new Map(devices.map((d) => [d.id, d]));
    this.devicesBySchool = new Map();
    this.terminalsByPost = new Map();
    for (const device of devices) {
      if (device.schoolId) {
        const list = this.devicesBySchool.get(device.schoolId);
        if (list) list.push(device);
        else this.devicesBySchool.set(device.schoolId, [device]);
      }
      if (device.kind === 'post' && device.postId) this.terminalsByPost.set(device.postId, device);
    }
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
