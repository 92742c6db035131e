/**
 * zh-CN messages of THE 护学岗设置率 (issue 15, docs/figures.md): one figure on the desk, the health
 * screen and the coverage layer. Spread into zh-CN.ts; en.setup.ts must match.
 */
export const setupZhCN = {
  guardSetup: {
    rate: '护学岗设置率',
    scope: '城市+城镇 · {reach} 米内',
    detail: '城市 {city} · 城镇 {town}',
    noPerson: '未定人 {count}',
    coverageColumn: '护学岗覆盖',
    unnamed: '未定人',
    explore: '下表按所选半径统计覆盖，设置率始终按 {reach} 米口径',
  },
};
