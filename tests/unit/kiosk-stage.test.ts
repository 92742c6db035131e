import { describe, expect, it } from 'vitest';
import { STAGE_HEIGHT, STAGE_WIDTH, stageFit, stageRectInViewport, stageTransform } from '../../client/composables/useStage.js';
import { sessionStateForStatus } from '../../client/stores/kioskSession.js';

describe(stageFit.name, () => {
  it('is the identity at 1920×1080 (and so on a 4K wall at device scale factor 2)', () => {
    const sut = stageFit(1920, 1080);
    expect(sut).toEqual({ scale: 1, offsetX: 0, offsetY: 0 });
    expect(stageTransform(sut)).toBe('none');
  });

  it('letterboxes a 4:3 or 16:10 screen: bars above and below', () => {
    const sut = stageFit(1280, 1024);
    expect(sut.scale).toBeCloseTo(1280 / STAGE_WIDTH);
    expect(sut.offsetX).toBe(0);
    expect(sut.offsetY).toBe(Math.round((1024 - STAGE_HEIGHT * sut.scale) / 2));
  });

  it('pillarboxes a wider screen: bars left and right', () => {
    const sut = stageFit(2560, 1080);
    expect(sut.scale).toBe(1);
    expect(sut.offsetX).toBe(320);
    expect(sut.offsetY).toBe(0);
    expect(stageTransform(sut)).toBe('translate(320px, 0px) scale(1)');
  });

  it('fits 1366×768 with the whole stage visible', () => {
    const sut = stageFit(1366, 768);
    expect(STAGE_WIDTH * sut.scale).toBeLessThanOrEqual(1366);
    expect(STAGE_HEIGHT * sut.scale).toBeLessThanOrEqual(768);
    // 1366×768 is a shade wider than 16:9: the height limits it.
    expect(sut.scale).toBeCloseTo(768 / 1080, 5);
  });
});

describe(stageRectInViewport.name, () => {
  it('maps a stage rectangle to whole viewport pixels (where the unscaled map goes)', () => {
    const fit = stageFit(1366, 768);
    const sut = stageRectInViewport({ x: 472, y: 112, width: 976, height: 722 }, fit);
    for (const value of Object.values(sut)) expect(Number.isInteger(value)).toBe(true);
    expect(sut.x).toBe(Math.round(fit.offsetX + 472 * fit.scale));
    expect(sut.width).toBeCloseTo(976 * fit.scale, 0);
    expect(sut.y + sut.height).toBeLessThanOrEqual(768);
  });
});

describe(sessionStateForStatus.name, () => {
  it('shows the revoked screen only when the server refuses the key', () => {
    expect(sessionStateForStatus(200)).toBe('signed-in');
    expect(sessionStateForStatus(401)).toBe('revoked');
    expect(sessionStateForStatus(403)).toBe('revoked');
    expect(sessionStateForStatus(400)).toBe('revoked');
    expect(sessionStateForStatus(429)).toBe('unreachable');
    expect(sessionStateForStatus(500)).toBe('unreachable');
  });
});
