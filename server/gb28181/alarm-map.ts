import type { Device } from '../../shared/domain/entities.js';
import type { CAMERA_FAULTS, DEVICE_FAULTS, IngestEvent } from '../../shared/ingest.js';
import type { AlarmMessage } from './manscdp.js';

type CameraFault = (typeof CAMERA_FAULTS)[number];
type DeviceFault = (typeof DEVICE_FAULTS)[number];

/** What one (AlarmMethod, AlarmType) is to the product. */
interface AlarmRow {
  /** Short zh words for logs and notes. */
  words: string;
  /** A camera's alarm of this row: the camera.fault it reports, or null when it is no fault (ignored). */
  camera: CameraFault | null;
  /** An alarm input's (kinds sos, intrusion): the alarm itself, a device.fault of the input, or null (ignored: meaningless for an input). */
  alarmInput: 'alarm' | DeviceFault | null;
}

const row = (words: string, camera: CameraFault | null, alarmInput: AlarmRow['alarmInput']): AlarmRow => ({ words, camera, alarmInput });

/**
 * GB/T 28181-2016 附录A, Notify/Alarm (报警通知, §9.4): Info/AlarmType by AlarmMethod, keyed
 * `method:type`; `method:*` is the row without AlarmType or with one the standard does not list.
 *
 * | AlarmMethod | AlarmType | 标准名称 | camera | alarm input (sos, intrusion) |
 * |---|---|---|---|---|
 * | 1 电话 / 3 短信 / 4 GPS / 7 其他 | any | 电话报警… | ignored | the alarm |
 * | 2 设备报警 | none or unlisted | 默认的报警设备报警 (e.g. an input contact) | ignored (not a registered alarm device) | the alarm |
 * | 2 | 1 | 视频丢失报警 | camera.fault video_loss | ignored |
 * | 2 | 2 | 设备防拆报警 | camera.fault tamper | device.fault tamper |
 * | 2 | 3 | 存储设备磁盘满报警 | camera.fault storage | ignored |
 * | 2 | 4 / 5 | 设备高温 / 低温报警 | camera.fault other | device.fault other |
 * | 5 视频报警 | 1–10, 12 | 人工视频、运动目标、遗留物、物体移除、绊线、入侵、逆行、徘徊、流量统计、密度、快速移动 | ignored (analytics, no fault) | the alarm |
 * | 5 | 11 | 视频异常检测报警 | camera.fault other | the alarm |
 * | 5 | 13 | 图像遮挡报警 (GB/T 28181-2022) | camera.fault tamper | the alarm |
 * | 6 设备故障报警 | 1 | 存储设备磁盘故障报警 | camera.fault storage | device.fault other |
 * | 6 | 2 / none | 存储设备风扇故障报警 / 设备故障 | camera.fault other | device.fault other |
 *
 * An alarm input's one trigger is its alarm whatever method it reports it with: only the rows that
 * name a fault of the input itself are not.
 */
const ALARM_ROWS: Record<string, AlarmRow> = {
  '1:*': row('电话报警', null, 'alarm'),
  '2:*': row('设备报警', null, 'alarm'),
  '2:1': row('视频丢失', 'video_loss', null),
  '2:2': row('防拆', 'tamper', 'tamper'),
  '2:3': row('磁盘满', 'storage', null),
  '2:4': row('设备高温', 'other', 'other'),
  '2:5': row('设备低温', 'other', 'other'),
  '3:*': row('短信报警', null, 'alarm'),
  '4:*': row('GPS 报警', null, 'alarm'),
  '5:*': row('视频报警', null, 'alarm'),
  '5:1': row('人工视频报警', null, 'alarm'),
  '5:2': row('移动侦测', null, 'alarm'),
  '5:3': row('遗留物检测', null, 'alarm'),
  '5:4': row('物体移除检测', null, 'alarm'),
  '5:5': row('绊线检测', null, 'alarm'),
  '5:6': row('区域入侵检测', null, 'alarm'),
  '5:7': row('逆行检测', null, 'alarm'),
  '5:8': row('徘徊检测', null, 'alarm'),
  '5:9': row('流量统计', null, 'alarm'),
  '5:10': row('密度检测', null, 'alarm'),
  '5:11': row('视频异常', 'other', 'alarm'),
  '5:12': row('快速移动', null, 'alarm'),
  '5:13': row('遮挡', 'tamper', 'alarm'),
  '6:*': row('设备故障', 'other', 'other'),
  '6:1': row('磁盘故障', 'storage', 'other'),
  '6:2': row('风扇故障', 'other', 'other'),
  '7:*': row('其他报警', null, 'alarm'),
};

const EVENT_TYPE_WORDS: Record<number, string> = { 1: '进入区域', 2: '离开区域' };

function alarmRow(alarm: Pick<AlarmMessage, 'method' | 'alarmType'>): AlarmRow {
  return (alarm.alarmType !== undefined ? ALARM_ROWS[`${alarm.method}:${alarm.alarmType}`] : undefined)
    ?? ALARM_ROWS[`${alarm.method}:*`]
    ?? row('报警', null, 'alarm');
}

/** Short zh words for an alarm, e.g. "视频丢失", "遮挡", "移动侦测", "区域入侵检测（进入区域）". */
export function gbAlarmWords(alarm: Pick<AlarmMessage, 'method' | 'alarmType' | 'eventType'>): string {
  const words = alarmRow(alarm).words;
  const event = alarm.eventType !== undefined ? EVENT_TYPE_WORDS[alarm.eventType] : undefined;
  return event ? `${words}（${event}）` : words;
}

/** Longest zone name an intrusion event takes from AlarmDescription; a longer text is a description, not a zone. */
export const MAX_ZONE_CHARS = 32;

/** What alarmToEvent answers when the alarm is no event of the product. */
export interface IgnoredAlarm {
  ignored: string;
}

function withDescription(words: string, description: string | undefined): string {
  return (description ? `${words}：${description}` : words).slice(0, 500);
}

/**
 * The ingest event a GB/T 28181 alarm notification is, for the registry device its DeviceID names
 * (see the table of ALARM_ROWS), or why it is none. The id is `sn:<SN>@<AlarmTime>` (`sn:<SN>`
 * when it sent no time): the endpoint ingests with the source `sip:<deviceId>`, so a device's
 * repeated notification (it resends until answered) is one event, while a device that restarted
 * and counts its SN from 1 again raises its new alarms rather than having them refused as reused
 * ids. `at` is AlarmTime, or `receivedAt` when the device sent none or no real time.
 */
export function alarmToEvent(alarm: AlarmMessage, device: Device, receivedAt: Date): IngestEvent | IgnoredAlarm {
  const base = { id: alarm.at ? `sn:${alarm.sn}@${alarm.at}` : `sn:${alarm.sn}`, deviceId: device.id, at: alarm.at ?? receivedAt.toISOString() };
  const found = alarmRow(alarm);
  const words = gbAlarmWords(alarm);
  if (device.kind === 'camera') {
    if (found.camera === null) return { ignored: `摄像机的${words}不是故障 (a camera's ${alarm.method}/${alarm.alarmType ?? '-'} alarm is no fault)` };
    return { ...base, type: 'camera.fault', fault: found.camera, message: withDescription(words, alarm.description) };
  }
  if (device.kind === 'sos' || device.kind === 'intrusion') {
    if (found.alarmInput === null) return { ignored: `报警输入的${words}无意义 (a ${alarm.method}/${alarm.alarmType ?? '-'} alarm means nothing for an alarm input)` };
    if (found.alarmInput !== 'alarm') return { ...base, type: 'device.fault', fault: found.alarmInput, message: withDescription(words, alarm.description) };
    if (device.kind === 'sos') return alarm.description ? { ...base, type: 'alarm.sos', note: alarm.description.slice(0, 500) } : { ...base, type: 'alarm.sos' };
    const zone = alarm.description && alarm.description.length <= MAX_ZONE_CHARS ? alarm.description : undefined;
    return zone ? { ...base, type: 'alarm.intrusion', zone } : { ...base, type: 'alarm.intrusion' };
  }
  return { ignored: `${device.kind} 类设备不经 GB/T 28181 报警 (a ${device.kind} device raises no GB/T 28181 alarm)` };
}
