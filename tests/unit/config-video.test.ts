import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';

describe(`${loadConfig.name}: XIAOAN_VIDEO_URL_TEMPLATE`, () => {
  it('is off by default: the tiles show state and last-seen time only', () => {
    expect(loadConfig({}).videoUrlTemplate).toBeNull();
  });

  it.each([
    'https://video.example.cn/live?camera={cameraId}',
    'http://10.1.2.3:8080/schools/{schoolId}/cameras/{cameraId}/live',
  ])('takes %s', (template) => {
    expect(loadConfig({ XIAOAN_VIDEO_URL_TEMPLATE: template }).videoUrlTemplate).toBe(template);
  });

  it.each([
    ['javascript:alert({cameraId})', /http:\/\/ or https:\/\//],
    ['ftp://video.example.cn/{cameraId}', /http:\/\/ or https:\/\//],
    ['https://video.example.cn/live', /must contain \{cameraId\}/],
    ['https://video.example.cn/live?camera={camera}', /unknown placeholder \{camera\}/],
    ['video.example.cn/live?camera={cameraId}', /is not a URL/],
  ])('refuses %s with a readable start-up error', (template, reason) => {
    expect(() => loadConfig({ XIAOAN_VIDEO_URL_TEMPLATE: template })).toThrow(/Invalid configuration: .*XIAOAN_VIDEO_URL_TEMPLATE/);
    expect(() => loadConfig({ XIAOAN_VIDEO_URL_TEMPLATE: template })).toThrow(reason);
  });
});
