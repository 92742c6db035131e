import type { AuditEntryView } from './admin.js';
import type { LocalizedText } from './domain/text.js';

/** Names the audit log's codes stand for: a person's display name by username, a school's name by id (null: unknown). */
export interface AuditNames {
  person(username: string): string | null;
  school(id: string): string | null;
}

type Words = Record<string, LocalizedText>;
const w = (zh: string, en: string): LocalizedText => ({ zh, en });

// The console's, desk's and admin screen's own words (client/i18n), for the server's CSV too.
const ALARM_TYPE: Words = {
  sos: w('一键报警', 'SOS button'), intrusion: w('入侵报警', 'intrusion'), camera_fault: w('视频故障', 'camera fault'),
  post_absent: w('护学岗脱岗', 'gate post absent'), access_anomaly: w('门禁异常', 'access anomaly'),
};
const ALARM_STATE: Words = {
  new: w('待确认', 'unacknowledged'), acknowledged: w('已确认', 'acknowledged'), dispatched: w('已派警', 'dispatched'), on_scene: w('已到场', 'on scene'),
  resolved: w('已处置', 'resolved'), false_alarm: w('误报', 'false alarm'), cancelled: w('已撤销', 'cancelled'),
};
const DISPOSITION: Words = {
  handled_on_site: w('现场处置完毕', 'handled on site'), suspect_controlled: w('嫌疑人已控制', 'suspect controlled'), medical_aid: w('医疗救助', 'medical aid'),
  referred: w('移交相关部门', 'referred to another agency'), no_threat_found: w('未发现险情', 'no threat found'), other: w('其他', 'other'),
  // The system's own disposition when it closes an alarm by itself (shared/rules/alarm-lifecycle.ts SYSTEM_DISPOSITIONS).
  post_checked_in: w('护学岗已签到', 'post checked in'),
};
const RISK_LEVEL: Words = { red: w('红色', 'red'), orange: w('橙色', 'orange'), yellow: w('黄色', 'yellow'), blue: w('蓝色', 'blue') };
const CHANNEL_KIND: Words = { camera: w('摄像机', 'camera'), sos: w('一键报警按钮', 'SOS button'), intrusion: w('入侵探测器', 'intrusion detector') };
const ACCOUNT_FIELD: Words = { displayName: w('姓名', 'name'), role: w('角色', 'role'), districtCode: w('区县', 'district'), schoolId: w('学校', 'school'), unitId: w('出警单位', 'unit') };
const ROLE: Words = {
  police_operator: w('公安值班员', 'police operator'), education_staff: w('教体局值班人员', 'education bureau staff'), school_user: w('学校用户', 'school user'),
  viewer: w('大屏只读', 'big-screen viewer'), admin: w('系统管理员', 'administrator'), responder: w('出警单位人员', 'responder'),
};

/** What each action did, as a verb phrase: `确认了报警` / `acknowledged the alarm`. */
const VERB: Words = {
  'alarm.ack': w('确认了报警', 'acknowledged the alarm'),
  'alarm.dispatch': w('派警处置报警', 'dispatched a unit to the alarm'),
  'alarm.arrive': w('标记警力到场', 'marked the unit on scene at the alarm'),
  'alarm.resolve': w('处置完毕并关闭报警', 'resolved the alarm'),
  'alarm.false': w('将报警关闭为误报', 'closed the alarm as a false alarm'),
  'alarm.cancel': w('撤销了报警', 'cancelled the alarm'),
  'alarm.handoff': w('记录了报警移交110', 'recorded the hand-off of the alarm to 110'),
  'alarm.convert': w('将演练报警转为真实警情', 'turned a drill alarm into a real alarm'),
  'alarm.auto_resolve': w('自动关闭了报警', 'closed the alarm by itself'),
  // A unit's phone steps (issue 14); `alarm.arrive` with `field: true` is the unit's own arrival.
  'alarm.accept': w('以出警单位身份接警', 'accepted the alarm for the unit'),
  'alarm.arrive_field': w('上报出警单位到场', 'reported the unit on scene'),
  'alarm.report': w('提交了处置反馈', 'reported back on the alarm'),
  'alarm.photo': w('上传了现场照片', 'uploaded a photo from the scene'),
  'auth.login': w('登录了系统', 'signed in'),
  'auth.login_failed': w('登录失败', 'failed to sign in'),
  'auth.logout': w('退出了登录', 'signed out'),
  'auth.kiosk': w('用查看链接打开了大屏', 'opened a big screen with a viewer link'),
  'auth.kiosk_failed': w('用无效的查看链接尝试打开大屏', 'tried to open a big screen with an invalid viewer link'),
  'auth.password_changed': w('修改了自己的密码', 'changed their password'),
  'auth.password_change_failed': w('修改密码失败', 'failed to change their password'),
  'drill.plan': w('计划了演练', 'planned a drill'),
  'drill.start': w('开始了演练', 'started a drill'),
  'drill.end': w('结束了演练', 'ended a drill'),
  'drill.cancel': w('取消了演练', 'cancelled a drill'),
  'drill.checklist': w('更新了演练检查项', 'updated a drill checklist item'),
  'drill.replan': w('重新安排了演练日期', 're-planned a drill'),
  'drill.auto_end': w('在演练超过计划时长及宽限后自动结束了演练', 'ended a drill by itself after its planned length and margin'),
  'export.drill_csv': w('导出了演练报告（CSV）', 'exported a drill report (CSV)'),
  'export.drill_pdf': w('导出了演练报告（PDF）', 'exported a drill report (PDF)'),
  'export.audit_csv': w('导出了审计日志（CSV）', 'exported the audit log (CSV)'),
  'export.compliance_xlsx': w('导出了安全防范统计表（Excel）', 'exported the compliance statistics (Excel)'),
  'export.compliance_csv': w('导出了安全防范统计表（CSV）', 'exported the compliance statistics (CSV)'),
  'report.generate': w('生成了定期分析研判报告', 'made a periodic report'),
  'report.download_pdf': w('下载了定期报告（PDF）', 'downloaded a periodic report (PDF)'),
  'report.download_xlsx': w('下载了定期报告（Excel）', 'downloaded a periodic report (Excel)'),
  'hazard.create': w('登记了隐患', 'registered a hazard'),
  'hazard.dispatch': w('派单整改隐患', 'dispatched a hazard for rectification'),
  'hazard.rectify': w('提交了隐患整改', 'reported a hazard rectified'),
  'hazard.verify': w('验收了隐患整改', 'verified a hazard rectification'),
  'hazard.reject': w('驳回了隐患整改', 'rejected a hazard rectification'),
  'hazard.close': w('销号清零了隐患', 'closed a hazard'),
  'sip.assign': w('将 GB/T 28181 通道登记为学校设备', 'registered a GB/T 28181 channel as a school device'),
  'risk.level': w('研判学校风险等级发生变化', "found a school's risk level changed"),
  'school.sos': w('从学校页面一键报警', 'raised the school’s SOS from its page'),
  'record.edit': w('修改了学校安防档案', "edited a school's security record"),
  'plan.save': w('保存了学校应急预案', "saved a school's emergency plan"),
  'plan.people': w('保存了学校负责人及联系人', "saved a school's people and contacts"),
  'routine.drills': w('记录了应急演练', 'recorded an emergency drill'),
  'routine.inspections': w('记录了督导检查', 'recorded an inspection'),
  'routine.self-checks': w('记录了学校自查', 'recorded a self-check'),
  'inspection.record': w('登记了市/县安全检查督导', 'recorded a city/county inspection campaign'),
  'inspection.circular': w('发布了安全检查通报', 'published an inspection circular'),
  'token.create': w('创建了接入令牌', 'created an ingest token'),
  'token.revoke': w('撤销了接入令牌', 'revoked an ingest token'),
  'user.create': w('创建了账号', 'created an account'),
  'user.update': w('修改了账号', 'changed an account'),
  'user.password_reset': w('重置了账号密码', "reset an account's password"),
  'viewer_link.create': w('创建了大屏查看链接', 'created a viewer link'),
  'viewer_link.revoke': w('撤销了大屏查看链接', 'revoked a viewer link'),
};

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value.trim() : null);
const word = (words: Words, code: unknown): LocalizedText | null => {
  const key = text(code);
  return key ? (words[key] ?? w(key, key)) : null;
};

/** One changed account field in words: `停用` / `disabled`, `角色 → 学校用户` / `role → school user`. */
function accountChange(field: string, to: unknown): LocalizedText {
  if (field === 'disabled') return to ? w('停用', 'disabled') : w('启用', 'enabled');
  const name = ACCOUNT_FIELD[field] ?? w(field, field);
  const value = field === 'role' ? word(ROLE, to) : text(to) ? w(String(to), String(to)) : w('无', 'none');
  return value ? w(`${name.zh} → ${value.zh}`, `${name.en} → ${value.en}`) : name;
}

/** The thing acted on and what came with it, as parts joined by ` · `. */
function particulars(entry: AuditEntryView, names: AuditNames): LocalizedText[] {
  const d = entry.details;
  const parts: (LocalizedText | null)[] = [];
  const schoolId = text(d.schoolId) ?? (entry.target?.startsWith('school:') ? entry.target.slice(7) : null);
  if (schoolId) parts.push(w(names.school(schoolId) ?? schoolId, names.school(schoolId) ?? schoolId));
  const [area] = entry.action.split('.');
  if (area === 'alarm') {
    parts.push(word(ALARM_TYPE, d.type));
    if (!d.type && entry.target) parts.push(w(`报警 ${entry.target}`, `alarm ${entry.target}`));
    if (text(d.unitId)) parts.push(w(`出警单位 ${String(d.unitId)}`, `unit ${String(d.unitId)}`));
    const disposition = word(DISPOSITION, d.disposition);
    if (disposition) parts.push(w(`处置结果：${disposition.zh}`, `disposition: ${disposition.en}`));
    if (d.step === 'acked') parts.push(w('110 已接收', 'acknowledged by 110'));
    if (typeof d.distanceM === 'number') parts.push(w(`手机定位距学校 ${d.distanceM} 米`, `phone position ${d.distanceM} m from the school`));
    const to = word(ALARM_STATE, d.to);
    const from = word(ALARM_STATE, d.from);
    if (to && from && from.zh !== to.zh) parts.push(w(`${from.zh} → ${to.zh}`, `${from.en} → ${to.en}`));
  } else if (area === 'drill' || entry.action.startsWith('export.drill')) {
    if (text(d.scenario)) parts.push(w(`场景：${String(d.scenario)}`, `scenario: ${String(d.scenario)}`));
    if (entry.action === 'drill.replan' && text(d.plannedFor)) parts.push(w(`改为 ${String(d.plannedFor)}`, `to ${String(d.plannedFor)}`));
    if (entry.action === 'drill.auto_end' && typeof d.lengthMinutes === 'number') parts.push(w(`计划时长 ${d.lengthMinutes} 分钟`, `planned length ${d.lengthMinutes} min`));
    if (entry.action === 'drill.checklist') parts.push(d.checked ? w(`勾选 ${String(d.itemId)}`, `ticked ${String(d.itemId)}`) : w(`取消勾选 ${String(d.itemId)}`, `unticked ${String(d.itemId)}`));
    if (entry.target) parts.push(w(`演练 ${entry.target}`, `drill ${entry.target}`));
  } else if (area === 'hazard') {
    if (text(d.description)) parts.push(w(String(d.description), String(d.description)));
    if (entry.target) parts.push(w(`隐患 ${entry.target.replace(/^hazard:/, '')}`, `hazard ${entry.target.replace(/^hazard:/, '')}`));
  } else if (area === 'risk') {
    const level = (code: unknown) => word(RISK_LEVEL, code) ?? w('—', '—');
    parts.push(w(`${level(d.from).zh} → ${level(d.to).zh}`, `${level(d.from).en} → ${level(d.to).en}`));
    if (typeof d.score === 'number') parts.push(w(`${d.score} 分`, `score ${d.score}`));
    if (Array.isArray(d.changed)) parts.push(w(`${d.changed.length} 项因素变化`, `${d.changed.length} factor${d.changed.length === 1 ? '' : 's'} changed`));
  } else if (area === 'sip') {
    const kind = word(CHANNEL_KIND, d.kind);
    if (text(d.name)) parts.push(w(`“${String(d.name)}”`, `"${String(d.name)}"`));
    if (kind) parts.push(kind);
    if (text(d.code)) parts.push(w(`编码 ${String(d.code)}`, `code ${String(d.code)}`));
  } else if (area === 'routine') {
    const record = (d.record ?? {}) as Record<string, unknown>;
    if (text(record.date)) parts.push(w(`日期 ${String(record.date)}`, `dated ${String(record.date)}`));
    if (text(record.scenario)) parts.push(w(`场景：${String(record.scenario)}`, `scenario: ${String(record.scenario)}`));
  } else if (area === 'user') {
    const who = entry.target?.replace(/^user:/, '') ?? '';
    const display = text(d.displayName) ?? names.person(who);
    parts.push(w(display ? `${display}（${who}）` : who, display ? `${display} (${who})` : who));
    const role = word(ROLE, d.role);
    if (role) parts.push(role);
    if (d.changes && typeof d.changes === 'object') {
      const changed = Object.entries(d.changes as Record<string, { to?: unknown }>).map(([field, change]) => accountChange(field, change?.to));
      parts.push(w(`修改：${changed.map((c) => c.zh).join('、')}`, `changed: ${changed.map((c) => c.en).join(', ')}`));
    }
  } else if (area === 'token' || area === 'viewer_link' || entry.action === 'auth.kiosk') {
    if (text(d.name)) parts.push(w(`“${String(d.name)}”`, `"${String(d.name)}"`));
  } else if (entry.action === 'record.edit' && Array.isArray(d.changes)) {
    parts.push(w(`${d.changes.length} 项修改`, `${d.changes.length} change${d.changes.length === 1 ? '' : 's'}`));
  } else if ((entry.action === 'plan.save' || entry.action === 'plan.people') && typeof d.version === 'number') {
    parts.push(w(`第 ${d.version} 版`, `version ${d.version}`));
  } else if (entry.action === 'export.audit_csv' && typeof d.rows === 'number') {
    parts.push(w(`${d.rows} 条`, `${d.rows} entries`));
  } else if (entry.action === 'report.generate' && text(d.period)) {
    const scope = text(d.scope) === 'city' ? w('全市', 'city') : w(String(d.scope), String(d.scope));
    parts.push(w(`${d.kind === 'monthly' ? '月报' : '周报'} ${String(d.period)} · ${scope.zh}`, `${d.kind === 'monthly' ? 'monthly' : 'weekly'} ${String(d.period)} · ${scope.en}`));
    if (typeof d.alarms === 'number') parts.push(w(`报警 ${d.alarms} 起`, `${d.alarms} alarms`));
  } else if (entry.action.startsWith('export.compliance') && text(d.asOf)) {
    parts.push(w(`截至 ${String(d.asOf)}`, `as of ${String(d.asOf)}`));
  } else if ((entry.action === 'auth.login_failed' || entry.action === 'auth.password_change_failed') && text(d.reason)) {
    const reason = word({
      invalid: w('用户名或密码错误', 'wrong username or password'),
      wrong: w('当前密码错误', 'wrong current password'),
      // Kept for entries written before sign-ins were throttled instead of locked.
      locked: w('账号已锁定', 'account locked'),
      throttled: w('尝试过多，须等待后再试', 'too many attempts: made to wait'),
      disabled: w('账号已停用', 'account disabled'),
    }, d.reason);
    parts.push(reason);
  }
  if (text(d.note)) parts.push(w(`备注：${String(d.note)}`, `note: ${String(d.note)}`));
  return parts.filter((part): part is LocalizedText => part !== null && part.zh !== '');
}

/**
 * One audit entry as a sentence in both languages, without its time:
 * `王警官 确认了报警（新华区第一小学 · 一键报警）` / `王警官 acknowledged the alarm (新华区第一小学 · SOS button)`.
 * An action this table does not know reads as its code, so nothing recorded is ever hidden.
 */
export function auditSentence(entry: AuditEntryView, names: AuditNames): LocalizedText {
  // Alarm commands record the operator's display name as it was; elsewhere `displayName` is the account acted on.
  const recorded = entry.action.startsWith('alarm.') ? text(entry.details.displayName) : null;
  const actor = recorded ?? names.person(entry.actor) ?? entry.actor;
  const verb = VERB[entry.action === 'alarm.arrive' && entry.details.field === true ? 'alarm.arrive_field' : entry.action] ?? w(`执行了 ${entry.action}`, `did ${entry.action}`);
  const parts = particulars(entry, names);
  const target = entry.target;
  const unknownTarget = !VERB[entry.action] && target && !parts.some((p) => p.en.includes(target)) ? [w(target, target)] : [];
  const all = [...parts, ...unknownTarget];
  return {
    zh: `${actor} ${verb.zh}${all.length ? `（${all.map((p) => p.zh).join(' · ')}）` : ''}`,
    en: `${actor} ${verb.en}${all.length ? ` (${all.map((p) => p.en).join(' · ')})` : ''}`,
  };
}
