import { z } from 'zod';

/**
 * GB/T 28181 device and platform codes (附录D 编码规则A): 20 digits.
 *
 * | digits | meaning |
 * |---|---|
 * | 1–8 | centre code: province 2, city 2, district 2 (GB/T 2260), grassroots unit 2 |
 * | 9–10 | industry code (行业编码) |
 * | 11–13 | type code (类型编码): 111 DVR, 118 NVR, 131 camera, 132 network camera (IPC), 134 alarm input, 200 platform |
 * | 14 | network code (网络标识): 0–4 video private network, 5 public-security network, 6 government, 7 Internet, 8 social resources |
 * | 15–20 | serial number |
 */
export const GB_CODE_PATTERN = /^\d{20}$/;

/** Pingdingshan's GB/T 2260 prefix: every code of the city's devices starts with it. */
export const CITY_GB_PREFIX = '4104';

/** The type codes the product reads, and what each is to it. */
export const GB_TYPE_CODES = {
  '111': 'dvr',
  '118': 'nvr',
  '131': 'camera',
  '132': 'camera',
  '134': 'alarm_input',
  '200': 'platform',
} as const;

/** What a GB code names, by its type code; `other` for a type the product does not read. */
export type GbCodeKind = (typeof GB_TYPE_CODES)[keyof typeof GB_TYPE_CODES] | 'other';

/** The parts of a GB code. */
export interface GbCodeParts {
  /** Digits 1–6: the GB/T 2260 district. */
  district: string;
  /** Digits 7–8: the grassroots unit. */
  unit: string;
  industry: string;
  type: string;
  network: string;
  serial: string;
}

/** A 20-digit GB code (any region). */
export const gbCodeSchema = z.string().regex(GB_CODE_PATTERN, { error: 'GB/T 28181 编码应为 20 位数字 (a GB/T 28181 code is 20 digits)' });

/** The parts of a code, or null when it is not 20 digits. */
export function parseGbCode(code: string): GbCodeParts | null {
  if (!GB_CODE_PATTERN.test(code)) return null;
  return {
    district: code.slice(0, 6),
    unit: code.slice(6, 8),
    industry: code.slice(8, 10),
    type: code.slice(10, 13),
    network: code.slice(13, 14),
    serial: code.slice(14, 20),
  };
}

/** What a code names by its type code; `other` for a type the product does not read or a malformed code. */
export function gbCodeKind(code: string): GbCodeKind {
  const parts = parseGbCode(code);
  if (!parts) return 'other';
  return (GB_TYPE_CODES as Record<string, GbCodeKind | undefined>)[parts.type] ?? 'other';
}

/** Industry code of the city's school devices (行业编码 00: 社会治安路面接入, the value of the standard's examples; a city sets its own in its data). */
export const SCHOOL_INDUSTRY = '00';
/** Network code of the city's school devices: 0, the video private network (视频专网) the public-security platform is reached on. */
export const SCHOOL_NETWORK = '0';
/** Largest serial number (6 digits). */
export const MAX_GB_SERIAL = 999_999;

/** Builds a code from its parts; throws on a part of the wrong length (a programming error). */
export function makeGbCode(parts: { district: string; unit?: string; industry?: string; type: string; network?: string; serial: number }): string {
  if (!Number.isInteger(parts.serial) || parts.serial < 1 || parts.serial > MAX_GB_SERIAL) throw new RangeError(`GB serial ${parts.serial} is outside 1–${MAX_GB_SERIAL}`);
  const code = `${parts.district}${parts.unit ?? '00'}${parts.industry ?? SCHOOL_INDUSTRY}${parts.type}${parts.network ?? SCHOOL_NETWORK}${String(parts.serial).padStart(6, '0')}`;
  if (!GB_CODE_PATTERN.test(code)) throw new RangeError(`not a GB/T 28181 code: ${code}`);
  return code;
}

/** Whether `code` is a 20-digit code under the city's division codes. */
export function isCityGbCode(code: string): boolean {
  return GB_CODE_PATTERN.test(code) && code.startsWith(CITY_GB_PREFIX);
}
