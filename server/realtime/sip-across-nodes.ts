import { z } from 'zod';
import { sipRegistrationSchema, type SipRegistration } from '../../shared/sip.js';
import type { Logger } from '../logger.js';
import type { XiaoanServer } from './rooms.js';

const answerSchema = z.array(sipRegistrationSchema).max(1_000_000);

/** One list, by device and then node (a device that moved to another node is listed by both until its first registration expires). */
function byDeviceThenNode(a: SipRegistration, b: SipRegistration): number {
  return a.deviceId.localeCompare(b.deviceId) || (a.node ?? '').localeCompare(b.node ?? '');
}

/**
 * REDIS_URL: a SIP device registers with one node (HAProxy does not balance UDP), and each node's
 * endpoint keeps its own registrations (docs/device-state.md). The admin screen's list asks every
 * node through the Socket.IO adapter (`serverSideEmit` with an acknowledgement: an administrator's
 * rare read, nothing copied on every REGISTER) and adds this node's own; a node that does not answer
 * within the adapter's request timeout (5 s) is left out and logged. Every answer is validated: it
 * crossed Redis. `local` answers this node's registrations, each marked with its node.
 */
export function sipRegistrationsAcrossNodes(io: XiaoanServer, local: () => SipRegistration[], log: Logger): () => Promise<SipRegistration[]> {
  io.on('sip:registrations', (done) => done(local()));
  return () =>
    new Promise((resolve) => {
      io.serverSideEmit('sip:registrations', (error: Error | null, answers: unknown[]) => {
        if (error) log.warn({ err: error }, 'SIP registrations: a node did not answer in time; its devices are left out of the list');
        const all = [...local()];
        for (const answer of answers ?? []) {
          const parsed = answerSchema.safeParse(answer);
          if (parsed.success) all.push(...parsed.data);
          else log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'SIP registrations: a node answered something else; left out');
        }
        resolve(all.sort(byDeviceThenNode));
      });
    });
}
