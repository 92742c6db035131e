import { randomUUID } from 'node:crypto';
import { inScope, type SessionUser } from '../../shared/auth.js';
import type { Shelf, ShelfChange, ShelveCommand, UnshelveCommand } from '../../shared/console.js';
import type { Ack } from '../../shared/events.js';
import { shelvingDecision } from '../../shared/rules/shelving.js';
import type { ShelfRepository } from '../db/shelf.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { isoNow, type Clock } from '../clock.js';
import type { DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';

type Refusal = Extract<Ack<Shelf>, { ok: false }>;

const OUT_OF_SCOPE: Refusal = {
  ok: false,
  code: 'forbidden',
  error: 'this device is outside your district or school',
  message: { zh: '该设备不在您的辖区内', en: 'This device is outside your district or school' },
};

interface ShelfServiceDeps {
  repository: ShelfRepository;
  writes: WriteQueue;
  events: DomainEvents;
  clock: Clock;
  registry: RegistryService;
}

/**
 * Shelving (搁置, ISA-18.2): an operator takes a nuisance device's P3/P4 alarms out of the main
 * queue for a set time. The database is the one truth (so every node sees the same shelves and
 * only one node ends a shelf); `expire()` runs on the periodic tick and ends what ran out.
 */
export class ShelfService {
  constructor(private readonly deps: ShelfServiceDeps) {}

  /** The shelves in force, oldest first, that `user` may see (all of them without a user). */
  async list(user?: SessionUser): Promise<Shelf[]> {
    const shelves = await this.deps.repository.open();
    return user ? shelves.filter((shelf) => inScope(user, shelf)) : shelves;
  }

  /** Puts a device on the shelf for `minutes`, once: a device already shelved is refused (un-shelve it first). */
  async shelve(user: SessionUser, command: ShelveCommand): Promise<Ack<Shelf>> {
    const { registry, clock } = this.deps;
    const device = registry.device(command.deviceId);
    const school = device ? registry.schoolOfDevice(device) : undefined;
    if (!device || !school) {
      return { ok: false, code: 'not_found', error: `no device ${command.deviceId}`, message: { zh: `没有设备 ${command.deviceId}`, en: `No device ${command.deviceId}` } };
    }
    if (!inScope(user, { districtCode: school.districtCode, schoolId: school.id })) return OUT_OF_SCOPE;
    const decision = shelvingDecision(device.kind);
    if (!decision.ok) return { ...decision, code: 'not_allowed' };
    return this.deps.writes.run(async (): Promise<Ack<Shelf>> => {
      const existing = (await this.deps.repository.open()).find((shelf) => shelf.deviceId === device.id);
      if (existing) {
        return {
          ok: false,
          code: 'not_allowed',
          error: `device ${device.id} is already shelved until ${existing.until}`,
          message: { zh: '该设备已在搁置中', en: 'This device is already shelved' },
        };
      }
      const now = clock.now();
      const shelf: Shelf = {
        id: randomUUID(),
        deviceId: device.id,
        schoolId: school.id,
        districtCode: school.districtCode,
        reason: command.reason,
        shelvedBy: user.displayName,
        shelvedAt: new Date(now).toISOString(),
        until: new Date(now + command.minutes * 60_000).toISOString(),
      };
      await this.deps.repository.insert(shelf);
      this.announce({ shelf, ended: null });
      return { ok: true, data: shelf };
    });
  }

  /** Takes a device off the shelf before its time is up. */
  async unshelve(user: SessionUser, command: UnshelveCommand): Promise<Ack<Shelf>> {
    return this.deps.writes.run(async (): Promise<Ack<Shelf>> => {
      const shelf = (await this.deps.repository.open()).find((candidate) => candidate.deviceId === command.deviceId);
      if (!shelf) {
        return {
          ok: false,
          code: 'not_allowed',
          error: `device ${command.deviceId} is not shelved`,
          message: { zh: '该设备未在搁置中（可能已到期）', en: 'This device is not shelved (it may have expired)' },
        };
      }
      if (!inScope(user, shelf)) return OUT_OF_SCOPE;
      const end = { at: isoNow(this.deps.clock), by: user.displayName, reason: 'unshelved' as const, note: command.note?.trim() || null };
      if (!(await this.deps.repository.end(shelf.id, end))) {
        return { ok: false, code: 'conflict', error: 'the shelf ended meanwhile', message: { zh: '搁置已同时结束', en: 'The shelf ended meanwhile' } };
      }
      this.announce({ shelf, ended: end });
      return { ok: true, data: shelf };
    });
  }

  /** Ends every shelf whose time is up (the periodic tick); answers the shelves it ended. */
  async expire(): Promise<Shelf[]> {
    return this.deps.writes.run(async () => {
      const now = isoNow(this.deps.clock);
      const ended: Shelf[] = [];
      for (const shelf of await this.deps.repository.open()) {
        if (shelf.until > now) continue;
        const end = { at: now, by: 'system', reason: 'expired' as const, note: null };
        if (!(await this.deps.repository.end(shelf.id, end))) continue;
        ended.push(shelf);
        this.announce({ shelf, ended: end });
      }
      return ended;
    });
  }

  private announce(change: ShelfChange): void {
    this.deps.events.emit('shelf.changed', change);
  }
}
