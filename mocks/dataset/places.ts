import type { DistrictCode } from '../../shared/domain/index.js';

/**
 * Place names the generator draws from: the sub-district (街道) and town/township (镇/乡)
 * divisions of each district, and road names. Real names of 平顶山市 where known; the
 * dataset built on them is synthetic.
 */
export interface DistrictPlaces {
  /** How a school name starts: 平顶山市新华区…, 叶县…, 汝州市… */
  schoolPrefix: string;
  /** 街道 (and a county seat's 城关镇): the built-up core around the seat. */
  streets: readonly string[];
  /** 镇 and 乡 away from the seat. */
  towns: readonly string[];
  roads: readonly string[];
}

const CITY_ROADS = [
  '建设路', '中兴路', '矿工路', '开源路', '光明路', '新华路', '体育路', '凌云路', '联盟路', '优越路',
  '湛河路', '和平路', '育英路', '曙光街', '东环路', '西环路', '南环路', '北环路', '劳动路', '姚孟大道',
  '湛南路', '平安大道', '神马大道', '五一路', '东安路', '团结路', '胜利街', '健康路', '公园路', '民主路',
  '鹰城路', '长青路', '轻工路', '高阳路', '九里山路', '香山路', '朝阳路', '河滨路', '湛北路', '光华路',
] as const;

const COUNTY_ROADS = [
  '人民路', '解放路', '文化路', '建设路', '中山路', '光明路', '复兴路', '健康路', '友谊路', '学府路',
  '朝阳路', '团结路', '育才路', '迎宾大道', '向阳路', '红旗路', '工业路', '新华路', '滨河路', '车站路',
  '南大街', '北大街', '东大街', '西大街', '振兴路', '和平路', '长安路', '府前街', '新建路', '南环路',
] as const;

/** Places of every district, keyed by GB/T 2260 code. */
export const DISTRICT_PLACES: Record<DistrictCode, DistrictPlaces> = {
  '410402': {
    schoolPrefix: '平顶山市新华区',
    streets: ['中兴路街道', '矿工路街道', '光明路街道', '新华路街道', '曙光街街道', '湛河北路街道', '西市场街道', '青石山街道', '西高皇街道', '新新街街道'],
    towns: ['焦店镇', '滍阳镇'],
    roads: CITY_ROADS,
  },
  '410403': {
    schoolPrefix: '平顶山市卫东区',
    streets: ['东安路街道', '五一路街道', '建设路街道', '东环路街道', '优越路街道', '北环路街道', '光华路街道', '鸿鹰街道', '申楼街道', '蒲城街道', '东高皇街道'],
    towns: [],
    roads: CITY_ROADS,
  },
  '410404': {
    schoolPrefix: '平顶山市石龙区',
    streets: ['高庄街道', '龙兴街道', '人民路街道', '龙河街道'],
    towns: [],
    roads: ['人民路', '龙兴路', '龙河路', '高庄路', '建设路', '文化路', '矿山路', '石龙大道', '兴龙路', '龙山路'],
  },
  '410411': {
    schoolPrefix: '平顶山市湛河区',
    streets: ['马庄街道', '南环路街道', '姚孟街道', '九里山街道', '轻工路街道', '河滨街道', '高阳路街道', '北渡街道', '荆山街道'],
    towns: ['曹镇乡'],
    roads: CITY_ROADS,
  },
  '410421': {
    schoolPrefix: '宝丰县',
    streets: ['城关镇', '铁路街道'],
    towns: ['周庄镇', '闹店镇', '石桥镇', '商酒务镇', '大营镇', '张八桥镇', '杨庄镇', '赵庄镇', '前营乡', '李庄乡', '肖旗乡'],
    roads: [...COUNTY_ROADS, '宝丰大道', '应河路', '曲艺路'],
  },
  '410422': {
    schoolPrefix: '叶县',
    streets: ['昆阳街道', '九龙街道', '盐都街道'],
    towns: ['任店镇', '保安镇', '仙台镇', '遵化店镇', '叶邑镇', '廉村镇', '常村镇', '辛店镇', '洪庄杨镇', '龙泉乡', '邓李乡', '田庄乡', '马庄回族乡', '夏李乡', '水寨乡'],
    roads: [...COUNTY_ROADS, '昆阳大道', '叶公大道', '盐都大道'],
  },
  '410423': {
    schoolPrefix: '鲁山县',
    streets: ['鲁阳街道', '琴台街道', '汇源街道', '露峰街道', '土门街道'],
    towns: ['下汤镇', '梁洼镇', '张官营镇', '张良镇', '尧山镇', '赵村镇', '瓦屋镇', '马楼乡', '辛集乡', '观音寺乡', '磙子营乡', '让河乡', '背孜乡', '熊背乡', '团城乡', '四棵树乡', '仓头乡', '董周乡', '库区乡'],
    roads: [...COUNTY_ROADS, '鲁阳大道', '墨子大道', '琴台路'],
  },
  '410425': {
    schoolPrefix: '郏县',
    streets: ['龙山街道', '东城街道'],
    towns: ['冢头镇', '安良镇', '堂街镇', '薛店镇', '长桥镇', '茨芭镇', '黄道镇', '李口镇', '王集乡', '姚庄回族乡', '广阔天地乡', '渣园乡', '白庙乡'],
    roads: [...COUNTY_ROADS, '龙山大道', '三苏路', '郏州大道'],
  },
  '410481': {
    schoolPrefix: '舞钢市',
    streets: ['垭口街道', '寺坡街道', '院岭街道', '矿建街道', '朱兰街道'],
    towns: ['尚店镇', '八台镇', '枣林镇', '尹集镇', '武功乡', '杨庄乡', '庙街乡', '铁山乡'],
    roads: [...COUNTY_ROADS, '钢城路', '湖滨大道', '龙山路'],
  },
  '410482': {
    schoolPrefix: '汝州市',
    streets: ['煤山街道', '风穴路街道', '钟楼街道', '洗耳河街道', '汝南街道', '紫云路街道'],
    towns: ['庙下镇', '寄料镇', '温泉镇', '临汝镇', '小屯镇', '杨楼镇', '蟒川镇', '大峪镇', '夏店镇', '焦村镇', '陵头镇', '米庙镇', '纸坊镇', '骑岭乡', '王寨乡'],
    roads: [...COUNTY_ROADS, '丹阳路', '广成路', '汝河路', '望嵩路'],
  },
};

/** Common surnames and place endings that make village names such as 李庄, 张营, 王楼. */
export const VILLAGE_SURNAMES = [
  '李', '王', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗',
  '梁', '宋', '郑', '谢', '韩', '唐', '冯', '于', '董', '萧', '程', '曹', '袁', '邓', '许', '傅', '沈', '曾', '彭', '吕',
  '苏', '卢', '蒋', '蔡', '贾', '丁', '魏', '薛', '叶', '阎', '余', '潘', '杜', '戴', '夏', '钟', '汪', '田', '任', '姜',
] as const;
export const VILLAGE_ENDINGS = ['庄', '营', '店', '楼', '寨', '岗', '湾', '沟', '坡', '集', '屯', '洼', '桥', '园', '堂', '庙', '河', '岭'] as const;

/** Given names of private kindergartens (民办幼儿园). */
export const KINDERGARTEN_NAMES = [
  '阳光', '育才', '启明', '金太阳', '小太阳', '蓓蕾', '春蕾', '童心', '七彩', '爱心', '明日之星', '小博士', '英才',
  '小天使', '贝贝', '童乐', '智慧树', '希望', '晨曦', '彩虹', '新蕾', '小精灵', '快乐宝贝', '东方红', '红黄蓝',
] as const;
