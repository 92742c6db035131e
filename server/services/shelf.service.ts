import { inTransaction } from '../db/transaction.js';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { can, type SessionUser } from '../../shared/auth.js';
import type { Shelf, ShelfChange, ShelfEnd, ShelveCommand, UnshelveCommand } from '../../shared/console.js';
import type { Ack } from '../../shared/events.js';
import { shelvingDecision } from '../../shared/rules/shelving.js';
import { actedBy, type AuditService } from '../auth/audit.service.js';
import type { Store } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { ShelfRepository } from '../db/shelf.repository.js';
import type { WriteQueue } from '../db/write-queue.js';
import { SYSTEM_NAME, type Actor } from './actor.js';
import { isoNow, type Clock } from '../clock.js';
import type { DomainEvents } from './domain-events.js';
import type { RegistryService } from './registry.service.js';
import { scopeCovers, scopeFor } from './scope.js';

type Refusal = Extract<Ack<Shelf>, { ok: false }>;

const OUT_OF_SCOPE: Refusal = {
  ok: false,
  code: 'forbidden',
  error: 'this device is outside your district or school',
  message: { zh: '该设备不在您的辖区内', en: 'This device is outside your district or school' },
};

interface ShelfServiceDeps {
  repository: ShelfRepository;
  store: Store;
  writes: WriteQueue;
  events: DomainEvents;
  clock: Clock;
  registry: RegistryService;
  /** Every shelf put up or taken down is on the audit log, written in its own transaction. */
  audit: AuditService;
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
    if (!user) return shelves;
    // A responder's phone (no `read`) sees no shelves: its scope is its unit's alarms, not a place.
    if (!can(user, 'read')) return [];
    const scope = scopeFor(user, this.deps.registry);
    return shelves.filter((shelf) => scopeCovers(scope, shelf));
  }

  /** Puts a device on the shelf for `minutes`, once: a device already shelved is refused (un-shelve it first). */
  async shelve(by: Actor, command: ShelveCommand): Promise<Ack<Shelf>> {
    const { registry, clock } = this.deps;
    const device = registry.device(command.deviceId);
    const school = device ? registry.schoolOfDevice(device) : undefined;
    if (!device || !school) {
      return { ok: false, code: 'not_found', error: `no device ${command.deviceId}`, message: { zh: `没有设备 ${command.deviceId}`, en: `No device ${command.deviceId}` } };
    }
    if (!scopeCovers(scopeFor(by.user, registry), { districtCode: school.districtCode, schoolId: school.id })) return OUT_OF_SCOPE;
    const decision = shelvingDecision(device.kind);
    if (!decision.ok) return { ...decision, code: 'not_allowed' };
    const outcome = await this.write(async (trx): Promise<Ack<Shelf>> => {
      const existing = (await this.deps.repository.open(trx)).find((shelf) => shelf.deviceId === device.id);
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
        shelvedBy: by.user.displayName,
        shelvedAt: new Date(now).toISOString(),
        until: new Date(now + command.minutes * 60_000).toISOString(),
      };
      await this.deps.repository.insert(shelf, trx);
      await this.deps.audit.append(actedBy(by, 'shelf.add', device.id, { displayName: by.user.displayName, minutes: command.minutes, until: shelf.until, note: command.reason }), trx);
      return { ok: true, data: shelf };
    });
    if (outcome.ok) this.announce({ shelf: outcome.data, ended: null });
    return outcome;
  }

  /** Takes a device off the shelf before its time is up. */
  async unshelve(by: Actor, command: UnshelveCommand): Promise<Ack<Shelf>> {
    const scope = scopeFor(by.user, this.deps.registry);
    const outcome = await this.write(async (trx): Promise<Ack<ShelfChange>> => {
      const shelf = (await this.deps.repository.open(trx)).find((candidate) => candidate.deviceId === command.deviceId);
      if (!shelf) {
        return {
          ok: false,
          code: 'not_allowed',
          error: `device ${command.deviceId} is not shelved`,
          message: { zh: '该设备未在搁置中（可能已到期）', en: 'This device is not shelved (it may have expired)' },
        };
      }
      if (!scopeCovers(scope, shelf)) return OUT_OF_SCOPE;
      const end: ShelfEnd = { at: isoNow(this.deps.clock), by: by.user.displayName, reason: 'unshelved', note: command.note?.trim() || null };
      if (!(await this.deps.repository.end(shelf.id, end, trx))) {
        return { ok: false, code: 'conflict', error: 'the shelf ended meanwhile', message: { zh: '搁置已同时结束', en: 'The shelf ended meanwhile' } };
      }
      await this.deps.audit.append(actedBy(by, 'shelf.remove', shelf.deviceId, { displayName: by.user.displayName, shelvedBy: shelf.shelvedBy, note: command.note ?? null }), trx);
      return { ok: true, data: { shelf, ended: end } };
    });
    if (!outcome.ok) return outcome;
    this.announce(outcome.data);
    return { ok: true, data: outcome.data.shelf };
  }

  /** Ends every shelf whose time is up (the periodic tick), each on the audit log under the system's name; answers the shelves it ended. */
  async expire(): Promise<Shelf[]> {
    const now = isoNow(this.deps.clock);
    const ended: ShelfChange[] = [];
    await this.write(async (trx) => {
      for (const shelf of await this.deps.repository.open(trx)) {
        if (shelf.until > now) continue;
        const end: ShelfEnd = { at: now, by: SYSTEM_NAME, reason: 'expired', note: null };
        if (!(await this.deps.repository.end(shelf.id, end, trx))) continue;
        await this.deps.audit.append({ actor: SYSTEM_NAME, action: 'shelf.expired', target: shelf.deviceId, details: { shelvedBy: shelf.shelvedBy, until: shelf.until } }, trx);
        ended.push({ shelf, ended: end });
      }
    });
    for (const change of ended) this.announce(change);
    return ended.map((change) => change.shelf);
  }

  /** One write: in the write queue, in one transaction. */
  private write<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.deps.writes.run(() => inTransaction(this.deps.store, work));
  }

  private announce(change: ShelfChange): void {
    this.deps.events.emit('shelf.changed', change);
  }
}
