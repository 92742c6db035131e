import type { setupZhCN } from './zh-CN.setup.js';

type SetupMessages = { [Group in keyof typeof setupZhCN]: { [Key in keyof (typeof setupZhCN)[Group]]: string } };

/** English messages of THE 护学岗设置率 (see zh-CN.setup.ts). */
export const setupEn: SetupMessages = {
  guardSetup: {
    rate: '护学岗 set-up rate',
    scope: 'city + town · within {reach} m',
    detail: 'city {city} · town {town}',
    noPerson: 'no named person {count}',
    coverageColumn: '护学岗 reach',
    unnamed: 'no named person',
    explore: 'The table counts coverage at the reach chosen; the set-up rate is always at {reach} m',
  },
};
