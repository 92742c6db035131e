import { z } from 'zod';
import { bilingual } from '../zod-text.js';
import { route } from './route.js';

/**
 * `POST /school/sos`: the press's own id, made by the browser once per press (a UUID), so a
 * re-sent press (a retry after a lost answer) raises nothing twice.
 */
export const schoolSosSchema = z.object({
  requestId: z
    .string({ error: bilingual('requestId: a text id of this press is required', 'requestId：须提供本次按下的编号') })
    .regex(/^[A-Za-z0-9-]{8,64}$/, bilingual('requestId: 8 to 64 letters, digits or dashes (a UUID)', 'requestId：须为 8 至 64 位字母、数字或连字符（UUID）')),
});
/** What the school page sends when its 一键报警 is confirmed. */
export type SchoolSosRequest = z.infer<typeof schoolSosSchema>;

/**
 * The school's SOS as the console has it: the alarm (null for a repeated press whose alarm is
 * closed by now), the button it was raised through, and whether this press was one already stored.
 */
export const schoolSosAnswerSchema = z.object({ alarmId: z.string().nullable(), deviceId: z.string(), repeated: z.boolean() });
/** `POST /school/sos` answer. */
export type SchoolSosAnswer = z.infer<typeof schoolSosAnswerSchema>;

/** The school's own page (a school user at its school). */
export const SCHOOL_ROUTES = {
  'school.sos': route({
    method: 'POST', path: '/school/sos', allow: 'school.sos', body: schoolSosSchema, answer: schoolSosAnswerSchema, status: 202,
    summary: 'the school’s 一键报警 from its duty-room browser: an SOS through its own button, like the device',
  }),
} as const;
