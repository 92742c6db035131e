import { z } from 'zod';
import { DEVICE_PLACES } from './domain/entities.js';
import { gbCodeSchema } from './gb-code.js';

/**
 * The GB/T 28181 SIP endpoint as the administrator sees it (issue 16): the devices registered now,
 * the channels a device's catalog listed that the registry does not know, and the edge's counts.
 */

/** SIP transports the endpoint listens on. */
export const SIP_TRANSPORTS = ['UDP', 'TCP'] as const;
/** One SIP transport. */
export type SipTransport = (typeof SIP_TRANSPORTS)[number];

/** A device registered with the endpoint now (REGISTER accepted and not expired). */
export const sipRegistrationSchema = z.object({
  /** The device's 20-digit GB code (From of its REGISTER). */
  deviceId: gbCodeSchema,
  /** The registry's name for it (its NVR's or camera's), null when the code names no registered school device. */
  name: z.string().nullable(),
  schoolId: z.string().nullable(),
  /** Where its requests come from (source address and port). */
  address: z.string(),
  port: z.number().int(),
  transport: z.enum(SIP_TRANSPORTS),
  registeredAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  /** Its last MESSAGE Keepalive; null before the first. */
  lastKeepaliveAt: z.iso.datetime().nullable(),
  /** Channels its last catalog answer listed (null until it answers one), and how many of them the registry does not know. */
  catalogChannels: z.number().int().nullable(),
  unknownChannels: z.number().int(),
  /**
   * The server node it registered with (REDIS_URL: two or more nodes, each with its own SIP
   * endpoint; the list gathers every node's), null on a single node. A device that moved to
   * another node may be listed by both until the first registration expires.
   */
  node: z.string().nullable(),
});
/** @see sipRegistrationSchema */
export type SipRegistration = z.infer<typeof sipRegistrationSchema>;

/** A channel a device's catalog listed that no registry device has: waiting for the administrator to assign it to a school. */
export const unassignedChannelSchema = z.object({
  code: gbCodeSchema,
  /** The device whose catalog listed it. */
  parentId: gbCodeSchema,
  /** The name the device gave it (its catalog's Name), possibly empty. */
  name: z.string(),
  /** What its type code says it is: camera, alarm_input, nvr, dvr, platform or other. */
  kind: z.string(),
  firstSeenAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
});
/** @see unassignedChannelSchema */
export type UnassignedChannel = z.infer<typeof unassignedChannelSchema>;

/** The counts of the SIP edge since start (also on `/health` → `sip`). */
export const sipCountersSchema = z.object({
  /** Requests and answers read and handled. */
  messages: z.number().int(),
  registrations: z.number().int(),
  keepalives: z.number().int(),
  alarms: z.number().int(),
  catalogs: z.number().int(),
  /** REGISTERs refused: unknown device (403) or wrong password (401 after a challenge). */
  authFailures: z.number().int(),
  /** Not SIP, or SIP with a missing or broken header (400, or dropped when no answer can be addressed). */
  malformed: z.number().int(),
  /** Larger than the size limit (413, or dropped). */
  oversized: z.number().int(),
  /** A MANSCDP body that is not well-formed XML, declares a DOCTYPE or entity, or lacks a required element (400). */
  badXml: z.number().int(),
  /** Methods the endpoint does not serve (405). */
  unknownMethods: z.number().int(),
  /** Dropped because their source address sent more than its rate allows. */
  flooded: z.number().int(),
});
/** @see sipCountersSchema */
export type SipCounters = z.infer<typeof sipCountersSchema>;

/** `GET /admin/sip`: the endpoint's state. */
export const sipOverviewSchema = z.object({
  /** False when XIAOAN_GB28181 is off: the lists are empty and the screen says how to turn it on. */
  enabled: z.boolean(),
  /** The platform's SIP id and domain, and where it listens (null when off). */
  platform: z.object({ id: z.string(), domain: z.string(), host: z.string(), udpPort: z.number().int(), tcpPort: z.number().int() }).nullable(),
  registrations: z.array(sipRegistrationSchema),
  unassigned: z.array(unassignedChannelSchema),
  /** This node's counts (each node counts its own edge). */
  counters: sipCountersSchema,
  /** The node that answered (REDIS_URL: two or more nodes; its counters are its own), null on a single node. */
  node: z.string().nullable(),
});
/** @see sipOverviewSchema */
export type SipOverview = z.infer<typeof sipOverviewSchema>;

/** `POST /admin/sip/channels/:code/assign`: the school a listed channel belongs to, and what it is there. */
export const channelAssignSchema = z.object({
  schoolId: z.string().min(1).max(64),
  /** A camera channel becomes a camera; an alarm input a one-key button (`sos`) or an intrusion detector. */
  kind: z.enum(['camera', 'sos', 'intrusion']),
  place: z.enum(DEVICE_PLACES),
  name: z.string().trim().min(1).max(100),
});
/** @see channelAssignSchema */
export type ChannelAssign = z.infer<typeof channelAssignSchema>;
