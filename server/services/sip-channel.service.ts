import type { Device } from '../../shared/domain/index.js';
import { GB_CODE_PATTERN, gbCodeKind } from '../../shared/gb-code.js';
import { refusal, say } from '../../shared/refusal.js';
import type { ChannelAssign, UnassignedChannel } from '../../shared/sip.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Clock } from '../clock.js';
import type { Store } from '../db/database.js';
import type { RegistryRepository } from '../db/registry.repository.js';
import type { SeenChannel, SipChannelRepository } from '../db/sip-channel.repository.js';
import { inTransaction } from '../db/transaction.js';
import type { WriteQueue } from '../db/write-queue.js';
import type { Actor } from './actor.js';
import type { CameraHealthService } from './camera-health.service.js';
import type { CameraStateBackend } from '../cluster/backend.js';
import type { DomainEvents } from './domain-events.js';
import { refuse, type Outcome } from './outcome.js';
import type { RegistryService } from './registry.service.js';
import type { SchoolCameraService } from './school-camera.service.js';

/** Unassigned channels the admin screen lists at most (the oldest first). */
export const UNASSIGNED_LIMIT = 1000;
/**
 * Most channels kept waiting: a city's unassigned channels are a handful to a few thousand; past
 * this, new codes are counted but not stored, so a device listing made-up codes cannot fill the disk.
 */
export const UNASSIGNED_KEPT = 20_000;
/** Longest catalog name kept (a device's Name, cut there). */
const NAME_MAX = 200;

/** The id a device made from a catalog channel gets. */
export const channelDeviceId = (code: string): string => `GB-${code}`;

/** What an assignment answers: the new device and the channel it was made from. */
export interface AssignedChannel {
  device: Device;
  channel: UnassignedChannel;
}

/**
 * Catalog channels the registry does not know (issue 16): the SIP endpoint notes each catalog
 * answer here; the administrator assigns a noted channel to a school, which makes it a device of
 * that school — stored, in the in-memory registry, and (a camera) watched by camera health at once.
 */
export class SipChannelService {
  constructor(
    private readonly deps: {
      store: Pick<Store, 'db'>;
      writes: WriteQueue;
      clock: Clock;
      registry: RegistryService;
      registryRepository: Pick<RegistryRepository, 'insertDevice'>;
      repository: SipChannelRepository;
      cameras: CameraHealthService;
      schoolCameras: SchoolCameraService;
      audit: AuditService;
      /** With REDIS_URL: announces the devices assigned here to the other nodes, and adds theirs (`devices.added`). */
      shared?: { backend: Pick<CameraStateBackend, 'devices'>; events: DomainEvents };
      /** Most channels kept waiting (default {@link UNASSIGNED_KEPT}). */
      keep?: number;
    },
  ) {
    deps.shared?.events.on('devices.added', (devices) => devices.forEach((device) => this.register(device)));
  }

  /** Adds a stored device to the in-memory registry and (a camera) to camera health, unless it is there already. */
  private register(device: Device): void {
    const { registry, cameras, schoolCameras } = this.deps;
    if (registry.device(device.id)) return;
    registry.addDevice(device);
    if (device.kind === 'camera' && device.schoolId && cameras.add(device.id, device.schoolId)) schoolCameras.addCamera(device.schoolId);
  }

  /**
   * A device's catalog listed these channels at `at`: those the registry has are `known`; the
   * rest are `unknown`, and (20-digit codes only) kept in the unassigned list with their last-seen time.
   */
  async noteCatalog(parentId: string, items: readonly { code: string; name: string }[], at: Date): Promise<{ known: number; unknown: number }> {
    const unknown = new Map<string, SeenChannel>();
    let known = 0;
    let invalid = 0;
    for (const item of items) {
      if (this.deps.registry.byGbCode(item.code)) known++;
      else if (!GB_CODE_PATTERN.test(item.code)) invalid++;
      else unknown.set(item.code, { code: item.code, parentId, name: item.name.slice(0, NAME_MAX), kind: gbCodeKind(item.code) });
    }
    if (unknown.size > 0) {
      const room = (this.deps.keep ?? UNASSIGNED_KEPT) - (await this.deps.repository.count());
      const seen = [...unknown.values()];
      // Full: channels already waiting still get their last-seen time; new ones wait for room.
      let kept = seen;
      if (room < seen.length) {
        const waiting = await this.alreadyWaiting(seen);
        const waitingCodes = new Set(waiting.map((channel) => channel.code));
        kept = waiting.concat(seen.filter((channel) => !waitingCodes.has(channel.code)).slice(0, Math.max(0, room)));
      }
      if (kept.length > 0) await this.deps.writes.run(() => this.deps.repository.upsert(kept, at.toISOString()));
    }
    return { known, unknown: unknown.size + invalid };
  }

  private async alreadyWaiting(seen: readonly SeenChannel[]): Promise<SeenChannel[]> {
    const waiting = await Promise.all(seen.map(async (channel) => ((await this.deps.repository.get(channel.code)) ? channel : null)));
    return waiting.filter((channel): channel is SeenChannel => channel !== null);
  }

  /** The channels waiting for a school, first seen first. */
  unassigned(): Promise<UnassignedChannel[]> {
    return this.deps.repository.list(UNASSIGNED_LIMIT);
  }

  /** Registers a noted channel as a device of a school, audited. */
  async assign(code: string, command: ChannelAssign, by: Actor): Promise<Outcome<AssignedChannel>> {
    const { registry } = this.deps;
    if (registry.byGbCode(code) || registry.device(channelDeviceId(code))) {
      return refuse(409, refusal(`编码 ${code} 已是登记的设备`, `code ${code} is already a registered device`));
    }
    const unknownChannel = () => refuse(404, refusal(`没有待分配的通道 ${code}`, `no unassigned channel ${code}`));
    if (!(await this.deps.repository.get(code))) return unknownChannel();
    const school = registry.school(command.schoolId);
    if (!school) {
      return refuse(400, refusal(`没有编号为 ${command.schoolId} 的学校`, `no school ${command.schoolId}`), { schoolId: say('学校不存在', 'no such school') });
    }
    const codeKind = gbCodeKind(code);
    const fits = codeKind === 'camera' ? command.kind === 'camera' : codeKind === 'alarm_input' ? command.kind !== 'camera' : false;
    if (!fits) {
      const words = codeKind === 'camera'
        ? refusal(`编码 ${code} 是摄像机通道（类型 131/132），只能登记为摄像机`, `code ${code} is a camera channel (type 131/132): it can only be a camera`)
        : codeKind === 'alarm_input'
          ? refusal(`编码 ${code} 是报警输入通道（类型 134），只能登记为一键报警按钮或入侵探测器`, `code ${code} is an alarm input (type 134): it can only be an SOS button or an intrusion detector`)
          : refusal(`编码 ${code} 不是摄像机或报警输入通道，不能登记为学校设备`, `code ${code} is neither a camera nor an alarm input channel: it cannot be a school device`);
      return refuse(400, words, { kind: words.message });
    }
    const outcome = await this.deps.writes.run(() =>
      inTransaction(this.deps.store, async (trx): Promise<Outcome<AssignedChannel>> => {
        const channel = await this.deps.repository.get(code, trx);
        // Assigned by another request meanwhile.
        if (!channel) return unknownChannel();
        const device: Device = {
          id: channelDeviceId(code), kind: command.kind, schoolId: school.id, postId: null, place: command.place, name: command.name,
          gbCode: code, gbParent: channel.parentId,
        };
        await this.deps.registryRepository.insertDevice(device, trx);
        await this.deps.repository.remove(code, trx);
        await this.deps.audit.append(actedBy(by, 'sip.assign', device.id, { code, schoolId: school.id, kind: command.kind, name: command.name, parentId: channel.parentId }), trx);
        return { ok: true, data: { device, channel } };
      }),
    );
    if (outcome.ok) {
      this.register(outcome.data.device);
      // The other nodes learn it from the device-changes stream, not at their next start.
      this.deps.shared?.backend.devices([outcome.data.device]);
    }
    return outcome;
  }
}
