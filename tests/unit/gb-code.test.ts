import { describe, expect, it } from 'vitest';
import { MAX_GB_SERIAL, gbCodeKind, gbCodeSchema, isCityGbCode, makeGbCode, parseGbCode } from '../../shared/gb-code.js';

describe(parseGbCode.name, () => {
  it('splits a code into its parts, keeping leading zeros', () => {
    expect(parseGbCode('41040200001310000012')).toEqual({ district: '410402', unit: '00', industry: '00', type: '131', network: '0', serial: '000012' });
    expect(parseGbCode('01000000002007000001')).toEqual({ district: '010000', unit: '00', industry: '00', type: '200', network: '7', serial: '000001' });
  });

  it('refuses anything but 20 digits', () => {
    for (const code of ['', '4104020000131000001', '410402000013100000123', '4104020000131000001x', ' 41040200001310000012', '4104020000131000001２', '-1040200001310000012']) {
      expect(parseGbCode(code)).toBeNull();
    }
  });
});

describe(gbCodeKind.name, () => {
  it('names each type the product reads', () => {
    expect(gbCodeKind('41040200001110000001')).toBe('dvr');
    expect(gbCodeKind('41040200001180000001')).toBe('nvr');
    expect(gbCodeKind('41040200001310000001')).toBe('camera');
    expect(gbCodeKind('41040200001320000001')).toBe('camera');
    expect(gbCodeKind('41040200001340000001')).toBe('alarm_input');
    expect(gbCodeKind('41040000002000000001')).toBe('platform');
  });

  it('answers other for another type or a malformed code', () => {
    expect(gbCodeKind('41040200002150000001')).toBe('other');
    expect(gbCodeKind('41040200001330000001')).toBe('other');
    expect(gbCodeKind('4104020000131')).toBe('other');
    expect(gbCodeKind('constructor0000000000')).toBe('other');
  });
});

describe(makeGbCode.name, () => {
  it('builds a code from its parts with the school defaults, and parses back', () => {
    const sut = makeGbCode({ district: '410402', type: '118', serial: 1 });
    expect(sut).toBe('41040200001180000001');
    expect(parseGbCode(sut)).toMatchObject({ district: '410402', type: '118', serial: '000001' });
    expect(makeGbCode({ district: '410403', unit: '01', industry: '05', type: '131', network: '5', serial: MAX_GB_SERIAL })).toBe('41040301051315999999');
  });

  it('throws on a serial out of range or a part of the wrong length', () => {
    expect(() => makeGbCode({ district: '410402', type: '131', serial: 0 })).toThrow(RangeError);
    expect(() => makeGbCode({ district: '410402', type: '131', serial: MAX_GB_SERIAL + 1 })).toThrow(RangeError);
    expect(() => makeGbCode({ district: '410402', type: '131', serial: 1.5 })).toThrow(RangeError);
    expect(() => makeGbCode({ district: '4104', type: '131', serial: 1 })).toThrow(RangeError);
    expect(() => makeGbCode({ district: '410402', type: '13', serial: 1 })).toThrow(RangeError);
    expect(() => makeGbCode({ district: '41040a', type: '131', serial: 1 })).toThrow(RangeError);
  });
});

describe('gbCodeSchema and isCityGbCode', () => {
  it('accepts 20 digits with a bilingual refusal otherwise, and tells the city codes', () => {
    expect(gbCodeSchema.safeParse('41040200001310000001').success).toBe(true);
    const refused = gbCodeSchema.safeParse(4104020000131);
    expect(refused.success).toBe(false);
    expect(gbCodeSchema.safeParse('4104020000131000000').error?.issues[0]?.message).toBe('GB/T 28181 编码应为 20 位数字 (a GB/T 28181 code is 20 digits)');
    expect(isCityGbCode('41040200001310000001')).toBe(true);
    expect(isCityGbCode('41010200001310000001')).toBe(false);
    expect(isCityGbCode('4104')).toBe(false);
  });
});
