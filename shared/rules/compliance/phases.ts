import type { School } from '../../domain/entities.js';
import { GUARD_POST_TARGETS } from '../guard-post-setup.js';
import type { ComplianceRuleId } from './types.js';

/**
 * The phased targets of the plan (二(一)2–4, 二(二)1, 三(三)): the date by which each rule must
 * be met for each kind of school, or null where the plan does not ask it. "Schools" are all
 * stages but kindergartens; kindergartens go by their setting.
 */
export function dueBy(rule: ComplianceRuleId, school: Pick<School, 'stage' | 'setting'>): string | null {
  const kindergarten = school.stage === 'kindergarten';
  const { setting } = school;
  switch (rule) {
    // 专职保安员 and their equipment; 一键式紧急报警 and 视频监控 with the police link, and the
    // technical items of 附件3 that go with them: schools and city kindergartens by 2020-03-31,
    // town kindergartens by the end of 2020, rural ones by the end of 2021.
    case 'guards':
    case 'equipment':
    case 'sos_alarm':
    case 'video':
    case 'intrusion':
    case 'control_room':
    case 'gate_police_camera':
    case 'system_upkeep':
    case 'retention':
    case 'fault_restore':
      if (!kindergarten || setting === 'city') return '2020-03-31';
      return setting === 'town' ? '2020-12-31' : '2021-12-31';
    // 封闭化管理: schools 2020-03-31; city kindergartens 2020 end; town 2021 end; all 2022 end.
    case 'closed_campus':
      if (!kindergarten) return '2020-03-31';
      return setting === 'city' ? '2020-12-31' : setting === 'town' ? '2021-12-31' : '2022-12-31';
    // 防冲撞设施: city and town (rural "where possible": not required); full compliance by 2022.
    case 'anti_ram':
      return setting === 'rural' ? null : '2022-12-31';
    // 护学岗设置率 (二(二)1): city 2020-03-31, town 2020 end; rural not set (GUARD_POST_TARGETS).
    case 'guard_post':
      return GUARD_POST_TARGETS[setting] ?? null;
    // 定人 (二(二)1): "城市…基础上，全部落实定点定岗定责定人" — city posts by 2020-03-31; town posts
    // with their 设置率 (2020 end), since a post without a named person is not 定点定岗定责定人.
    case 'guard_post_person':
      return GUARD_POST_TARGETS[setting] ?? null;
    // Routines apply from the plan's start; so does 一校一案 (二(三)1).
    case 'drill':
    case 'emergency_plan':
    case 'inspections':
    case 'self_check':
      return '2020-01-01';
  }
}
