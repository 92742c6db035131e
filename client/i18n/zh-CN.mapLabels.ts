/** zh-CN messages of the map's alarm labels: spread into zh-CN.ts; en.mapLabels.ts must match. */
export const mapLabelsZhCN = {
  mapLabels: {
    unlabelled: '另有 {count} 处报警未标注名称 · 放大地图或点击报警圈查看',
  },
};
