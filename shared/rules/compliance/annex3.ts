import { GUARD_POST_REACH_M } from '../guard-post-setup.js';
import type { ComplianceInput, ComplianceOptions, RestoreDeviceKind } from './types.js';
import { fail, pass, type Verdict } from './technical.js';

/**
 * The rules issue 15 added or corrected (docs/figures.md): 附件3 一(一) and 二(一), video retention
 * from the cameras' own reports, the 24 h restore rule over every security device, and the
 * 护学岗 pair 设置 / 定人 of 二(二)1 by THE rule of shared/rules/guard-post-setup.ts.
 */

/** 附件3 一(一): "学校大门外一定区域内应有属地公安机关设置视频图像采集装置". */
export function gatePoliceCameraRule({ record }: ComplianceInput): Verdict {
  return record.gatePoliceCamera
    ? pass('校门外已有属地公安机关视频图像采集装置', 'the local police have a camera outside the gate')
    : fail('校门外无属地公安机关视频图像采集装置', 'no police camera outside the gate');
}

/** 附件3 二(一): "学校应设专人负责系统日常管理工作并制定应急处置预案". */
export function systemUpkeepRule({ record }: ComplianceInput): Verdict {
  if (!record.systemManager && !record.systemEmergencyPlan) return fail('技防系统未设专人负责，未制定应急处置预案', 'no named person for the security system and no emergency plan for it');
  if (!record.systemManager) return fail('技防系统未设专人负责日常管理', 'no named person runs the security system');
  if (!record.systemEmergencyPlan) return fail('技防系统未制定应急处置预案', 'no emergency plan for the security system');
  return pass('技防系统专人负责，已制定应急处置预案', 'a named person runs the security system, with an emergency plan');
}

/**
 * 附件3 二(三): "保存时间应不少于30天，列为反恐重点单位的学校保存时间不少于90天". Judged from what the
 * school's cameras report in their keepalives (the shortest of them) when any has reported;
 * from the value typed into the record otherwise. The reason says which.
 */
export function retentionRule({ school, record, reportedRetention }: ComplianceInput): Verdict {
  const required = school.counterTerror ? 90 : 30;
  const who = school.counterTerror ? { zh: '反恐重点单位', en: 'counter-terror key unit' } : { zh: '一般学校', en: 'school' };
  if (reportedRetention) {
    const { minDays, cameras } = reportedRetention;
    const zh = `摄像机上报（${cameras}台）：最短保存${minDays}天，${who.zh}应不少于${required}天`;
    const en = `as ${cameras} camera(s) report: shortest ${minDays} days kept; a ${who.en} needs at least ${required}`;
    return minDays >= required ? pass(zh, en) : fail(zh, en);
  }
  const zh = `档案填报：视频保存${record.retentionDays}天，${who.zh}应不少于${required}天`;
  const en = `as typed in the record: video kept ${record.retentionDays} days; a ${who.en} needs at least ${required}`;
  return record.retentionDays >= required ? pass(zh, en) : fail(zh, en);
}

const KIND_NAMES: Record<RestoreDeviceKind, { zh: string; en: string }> = {
  camera: { zh: '视频监控', en: 'camera' },
  sos: { zh: '一键报警', en: 'one-key alarm' },
  intrusion: { zh: '入侵报警', en: 'intrusion alarm' },
  access: { zh: '门禁', en: 'access control' },
};

/**
 * 附件3 二(三): "安全技术防范系统出现故障时，应在24小时内恢复功能" — every security device (cameras,
 * one-key buttons, intrusion sensors, access control), each fault due 24 h after it started.
 */
export function faultRestoreRule({ faults }: ComplianceInput, asOfEndIso: string): Verdict {
  const late = faults.filter((f) => (f.closedAt ?? asOfEndIso) > f.deadlineAt && f.openedAt <= asOfEndIso);
  if (late.length === 0) return pass('设备故障均在24小时内恢复', 'every device fault restored within 24 h');
  const kinds = [...new Set(late.map((f) => f.deviceKind ?? 'camera'))];
  return fail(
    `${late.length}起设备故障超过24小时未恢复（${kinds.map((k) => KIND_NAMES[k].zh).join('、')}）`,
    `${late.length} device fault(s) not restored within 24 h (${kinds.map((k) => KIND_NAMES[k].en).join(', ')})`,
  );
}

/**
 * 护学岗设置 (二(二)1 "城市“护学岗”设置率达到100%…城镇“护学岗”设置率达到100%"): a post lists the school
 * or stands within reach of it (THE rule, guard-post-setup.ts), so the desk's rate is the 设置率.
 */
export function guardPostRule({ guardPost }: ComplianceInput, options?: Pick<ComplianceOptions, 'guardPostReachM'>): Verdict {
  const reach = options?.guardPostReachM ?? GUARD_POST_REACH_M;
  if (!guardPost) return fail(`未设置护学岗（无护学岗登记本校，${reach}米内亦无）`, `no 护学岗 (none lists the school, none within ${reach} m)`);
  return guardPost.listed
    ? pass('已设置护学岗', '护学岗 set up')
    : pass(`已设置护学岗（${guardPost.distanceM}米内护学岗）`, `护学岗 set up (a post ${guardPost.distanceM} m away)`);
}

/** 定人 (二(二)1 "全部落实定点定岗定责定人"): the school's 护学岗 names the person responsible. */
export function guardPostPersonRule({ guardPost }: ComplianceInput): Verdict {
  if (!guardPost) return fail('未设置护学岗，无从定人', 'no 护学岗, so no named person');
  return guardPost.person
    ? pass(`护学岗已定人：${guardPost.person}`, `护学岗 person named: ${guardPost.person}`)
    : fail('护学岗未落实定人（无责任人）', '护学岗 names no person responsible (定人)');
}
