import { describe, expect, it } from 'vitest';
import { CAMERA_TILE_LIMIT, rankCameras, videoLinkFor } from '../../shared/cameras.js';
import type { Device, DeviceKind, DevicePlace } from '../../shared/domain/index.js';

const device = (id: string, place: DevicePlace, kind: DeviceKind = 'camera'): Device => ({ id, kind, schoolId: 'S0001', postId: null, place, name: id });
const ids = (ranking: ReturnType<typeof rankCameras<Device>>): string[] => ranking.shown.map((entry) => entry.camera.id);

describe(rankCameras.name, () => {
  const school = [
    device('CAM-09', 'corridor'),
    device('SOS-1', 'gate_room', 'sos'),
    device('CAM-03', 'gate'),
    device('CAM-05', 'finance_room'),
    device('CAM-01', 'gate'),
    device('INT-1', 'finance_room', 'intrusion'),
    device('CAM-02', 'playground'),
  ];

  it('puts the cameras at the alarm device’s place first, then the gate’s, then the rest, each group by id', () => {
    const sut = rankCameras(school, { id: 'INT-1', place: 'finance_room' });
    expect(ids(sut)).toEqual(['CAM-05', 'CAM-01', 'CAM-03', 'CAM-02', 'CAM-09']);
    expect(sut.shown.map((entry) => entry.nearness)).toEqual(['same_place', 'gate', 'gate', 'other', 'other']);
    expect(sut.more).toBe(0);
  });

  it('puts the gate first without a device place, and counts a gate device’s own place as the same place', () => {
    expect(ids(rankCameras(school, null))).toEqual(['CAM-01', 'CAM-03', 'CAM-02', 'CAM-05', 'CAM-09']);
    expect(rankCameras(school, { id: 'ACC-1', place: 'gate' }).shown.map((entry) => entry.nearness)).toEqual(['same_place', 'same_place', 'other', 'other', 'other']);
  });

  it('leaves out devices that are not cameras and a device place no camera shares changes nothing', () => {
    expect(ids(rankCameras(school, { id: 'SOS-1', place: 'gate_room' }))).toEqual(['CAM-01', 'CAM-03', 'CAM-02', 'CAM-05', 'CAM-09']);
    expect(rankCameras([device('SOS-1', 'gate_room', 'sos')], { id: 'SOS-1', place: 'gate_room' })).toEqual({ shown: [], more: 0 });
  });

  it('puts a camera that is itself the alarm’s device before the others at its place', () => {
    const sut = rankCameras(school, { id: 'CAM-09', place: 'corridor' });
    expect(ids(sut)).toEqual(['CAM-09', 'CAM-01', 'CAM-03', 'CAM-02', 'CAM-05']);
    expect(sut.shown[0]!.nearness).toBe('alarm_device');
    expect(ids(rankCameras([...school, device('CAM-10', 'corridor')], { id: 'CAM-10', place: 'corridor' }))).toEqual(['CAM-10', 'CAM-09', 'CAM-01', 'CAM-03', 'CAM-02', 'CAM-05']);
  });

  it(`shows at most ${CAMERA_TILE_LIMIT} by default and counts the others`, () => {
    const many = Array.from({ length: 10 }, (_, i) => device(`CAM-${String(i).padStart(2, '0')}`, i === 7 ? 'gate' : 'corridor'));
    const sut = rankCameras(many, { id: 'INT-1', place: 'laboratory' });
    expect(sut.shown).toHaveLength(CAMERA_TILE_LIMIT);
    expect(sut.shown[0]!.camera.id).toBe('CAM-07');
    expect(sut.more).toBe(10 - CAMERA_TILE_LIMIT);
    expect(rankCameras(many, null, 2).more).toBe(8);
    expect(rankCameras(many, null, 0)).toEqual({ shown: [], more: 10 });
  });
});

describe(videoLinkFor.name, () => {
  it('fills each placeholder, URL-encoded, as often as it appears', () => {
    expect(videoLinkFor('https://video.example.cn/live?camera={cameraId}', { id: 'CAM-S0001-01', schoolId: 'S0001' })).toBe('https://video.example.cn/live?camera=CAM-S0001-01');
    expect(videoLinkFor('https://v.example.cn/{schoolId}/{cameraId}?again={cameraId}', { id: 'a b/&c', schoolId: 'S1' })).toBe('https://v.example.cn/S1/a%20b%2F%26c?again=a%20b%2F%26c');
  });
});
