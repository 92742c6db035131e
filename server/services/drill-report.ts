import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { findDistrict } from '../../shared/domain/index.js';
import type { DrillDetail, DrillMilestone, DrillSource } from '../../shared/drill.js';
import { formatDrillClock, scoreDrill, type DrillScore, type MilestoneOutcome, type MilestoneScore } from '../../shared/rules/drill-score.js';
import { overrunSeconds } from '../../shared/rules/response.js';
import { shanghaiDateTime } from '../../shared/time.js';

/**
 * The drill report: the score card, timeline and checklist as CSV (UTF-8 with BOM, so Excel
 * reads the Chinese) and as an A4 PDF printed with the shipped Noto Sans SC subset
 * (assets/fonts, OFL) — no font is looked for on the machine and none is downloaded.
 */

/** The shipped CJK font of the PDF. */
export const REPORT_FONT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/fonts/NotoSansSC-GB2312.ttf');

const MILESTONE_NAMES: Record<DrillMilestone, string> = {
  initiated: '报警发起 Initiated',
  acknowledged: '接警确认 Acknowledged',
  dispatched: '派警 Dispatched',
  on_scene: '到场 On scene',
  handled: '处置完毕 Handled',
  ended: '演练结束 Ended',
};
const SOURCE_NAMES: Record<DrillSource, string> = { device: '设备 device', console: '接警台 console', drill_screen: '演练屏 drill screen', system: '系统 system' };
const OUTCOME_NAMES: Record<MilestoneOutcome, string> = { on_time: '达成 met', late: '超时 late', missed: '未达成 not met', pending: '进行中 pending' };

/** A milestone's outcome as the screens say it: 超时 carries its overrun (`超时 +2:05 late`). */
function outcomeName(timed: MilestoneScore): string {
  if (timed.outcome !== 'late' || timed.elapsedSeconds === null) return OUTCOME_NAMES[timed.outcome];
  const over = overrunSeconds(timed.elapsedSeconds, timed.targetSeconds);
  const overrun = `+${Math.floor(over / 60)}:${String(over % 60).padStart(2, '0')}`;
  return `超时 ${overrun} late ${overrun}`;
}
const STATE_NAMES = { planned: '计划 planned', running: '进行中 running', ended: '已结束 ended', cancelled: '已取消 cancelled' } as const;

/** What the report needs beside the drill: the school's name. */
export interface ReportInput {
  detail: DrillDetail;
  schoolName: string;
  now: number;
}

/** `2025-03-02 16:00:05` in Asia/Shanghai, or `—`. */
function localTime(iso: string | null): string {
  if (!iso) return '—';
  return shanghaiDateTime(iso);
}

/** The report's facts, one `[label, value]` per line, shared by both formats. */
function facts(input: ReportInput, score: DrillScore): [string, string][] {
  const { drill, alarm } = input.detail;
  const district = findDistrict(drill.districtCode);
  return [
    ['学校 School', `${input.schoolName} (${drill.schoolId})`],
    ['区县 District', district ? `${district.name} ${district.nameEn}` : drill.districtCode],
    ['场景 Scenario', drill.scenario],
    ['参演人员 Participants', drill.participants || '—'],
    ['状态 State', STATE_NAMES[drill.state]],
    ['计划时间 Planned for', localTime(drill.plannedFor)],
    ['计划时长 Planned length', `${drill.lengthMinutes} 分钟 min`],
    ['开始 Started', drill.startedAt ? `${localTime(drill.startedAt)} · ${drill.startedBy ?? ''}` : '—'],
    [
      drill.state === 'cancelled' ? '取消 Cancelled' : '结束 Ended',
      drill.endedAt ? `${localTime(drill.endedAt)} · ${drill.endReason === 'time_limit' ? '系统自动结束（超时） ended by the system at its time limit' : (drill.endedBy ?? '')}` : '—',
    ],
    ['演练报警 Drill alarm', alarm ? `${alarm.id} (${alarm.type})` : '—'],
    ['用时 Clock', formatDrillClock(score.clockSeconds)],
    ['总分 Total', `${score.total} / ${score.maxTotal}`],
    ['时间 Times', 'Asia/Shanghai; T+ 自报警发起 from the stored raise step'],
    // Re-plans, the end at the time limit, alarms turned real (转为真实警情): the record says them.
    ...drill.notes.map((note): [string, string] => ['记录 Note', `${localTime(note.at)} · ${note.text.zh} / ${note.text.en}`]),
  ];
}

function milestoneRows(score: DrillScore): string[][] {
  return score.timeline.map((entry) => {
    const timed = score.milestones.find((m) => m.milestone === entry.milestone);
    return [
      MILESTONE_NAMES[entry.milestone],
      localTime(entry.at),
      entry.offsetSeconds === null ? '—' : formatDrillClock(entry.offsetSeconds),
      timed ? formatDrillClock(timed.targetSeconds) : '—',
      timed ? outcomeName(timed) : '—',
      timed ? `${timed.points}/${timed.maxPoints}` : '—',
      entry.actor ?? '—',
      entry.source ? SOURCE_NAMES[entry.source] : '—',
    ];
  });
}

function checklistRows(input: ReportInput): string[][] {
  return input.detail.drill.checklist.map((item) => [
    item.label,
    String(item.points),
    item.checkedAt ? '✓' : '',
    item.checkedBy ?? '—',
    localTime(item.checkedAt),
  ]);
}

const MILESTONE_HEADER = ['里程碑 Milestone', '时间 Time', 'T+', '目标 Target', '结果 Outcome', '得分 Points', '执行人 Actor', '来源 Source'];
const CHECKLIST_HEADER = ['检查项 Item', '分值 Points', '完成 Done', '观察员 Observer', '时间 Time'];

/** A CSV field: quoted when needed, and a leading = + - @ defused so a spreadsheet never runs it as a formula. */
function csvField(value: string): string {
  const text = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The report as CSV with a byte-order mark. */
export function drillReportCsv(input: ReportInput): string {
  const score = scoreDrill(input.detail.drill, input.detail.alarm, input.now);
  const lines: string[][] = [['应急演练评分 Drill score card'], ...facts(input, score), [], MILESTONE_HEADER, ...milestoneRows(score), [], CHECKLIST_HEADER, ...checklistRows(input)];
  lines.push([], ['里程碑得分 Milestone points', `${score.milestonePoints}`], ['检查项得分 Checklist points', `${score.checklistPoints} / ${score.checklistMaxPoints}`], ['总分 Total', `${score.total} / ${score.maxTotal}`]);
  return `\ufeff${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** The PDF could not be made: its font is not where it should be. */
export class ReportFontMissing extends Error {}

let fontBytes: Promise<Uint8Array> | null = null;

function loadFont(): Promise<Uint8Array> {
  fontBytes ??= fs.readFile(REPORT_FONT).catch((error: unknown) => {
    fontBytes = null;
    throw new ReportFontMissing(`the report font ${path.relative(process.cwd(), REPORT_FONT)} is missing (${error instanceof Error ? error.message : String(error)})`);
  });
  return fontBytes;
}

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.42, 0.48);
const RULE = rgb(0.8, 0.82, 0.86);

/** Writes lines top-down on A4 pages, adding a page when one is full. */
class Writer {
  private page: PDFPage;
  private y: number;
  private readonly glyphs: Set<number>;

  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
  ) {
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN;
    this.glyphs = new Set(font.getCharacterSet());
  }

  /** Characters the shipped subset lacks print as □ (the CSV keeps the exact text). */
  private printable(text: string): string {
    return [...text].map((ch) => (this.glyphs.has(ch.codePointAt(0)!) ? ch : '□')).join('');
  }

  private fit(text: string, size: number, width: number): string {
    let out = this.printable(text);
    if (this.font.widthOfTextAtSize(out, size) <= width) return out;
    while (out.length > 1 && this.font.widthOfTextAtSize(`${out}…`, size) > width) out = out.slice(0, -1);
    return `${out}…`;
  }

  private room(height: number): void {
    if (this.y - height >= MARGIN) return;
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  text(text: string, size: number, colour = INK): void {
    this.room(size * 1.5);
    this.page.drawText(this.fit(text, size, A4[0] - 2 * MARGIN), { x: MARGIN, y: this.y - size, size, font: this.font, color: colour });
    this.y -= size * 1.5;
  }

  gap(height: number): void {
    this.y -= height;
  }

  /** A table: column widths as fractions of the line; the header row muted, a rule under it. */
  table(header: string[], rows: string[][], widths: number[], size = 9): void {
    const full = A4[0] - 2 * MARGIN;
    const row = (cells: string[], colour: ReturnType<typeof rgb>) => {
      this.room(size * 1.9);
      let x = MARGIN;
      cells.forEach((cell, i) => {
        const width = (widths[i] ?? 0) * full;
        this.page.drawText(this.fit(cell, size, width - 4), { x, y: this.y - size, size, font: this.font, color: colour });
        x += width;
      });
      this.y -= size * 1.9;
    };
    row(header, MUTED);
    this.page.drawLine({ start: { x: MARGIN, y: this.y + size * 0.6 }, end: { x: A4[0] - MARGIN, y: this.y + size * 0.6 }, thickness: 0.6, color: RULE });
    rows.forEach((cells) => row(cells, INK));
  }
}

/** The report as an A4 PDF (Chinese and English), or ReportFontMissing when the shipped font is gone. */
export async function drillReportPdf(input: ReportInput): Promise<Uint8Array> {
  const bytes = await loadFont();
  const score = scoreDrill(input.detail.drill, input.detail.alarm, input.now);
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  doc.setTitle(`应急演练评分 ${input.schoolName} ${input.detail.drill.id}`);
  doc.setCreator('Xiaoan 校安');
  doc.setCreationDate(new Date(input.now));
  doc.setModificationDate(new Date(input.now));
  const font = await doc.embedFont(bytes, { subset: true });
  const out = new Writer(doc, font);

  out.text('应急演练评分 Drill score card', 20);
  out.text(`${input.schoolName} · ${input.detail.drill.scenario}`, 13, MUTED);
  out.gap(6);
  for (const [label, value] of facts(input, score)) out.text(`${label}：${value}`, 10);
  out.gap(10);
  out.text('里程碑 Milestones', 13);
  out.table(MILESTONE_HEADER, milestoneRows(score), [0.19, 0.16, 0.07, 0.09, 0.11, 0.09, 0.14, 0.15], 7.5);
  out.gap(10);
  out.text('观察员检查表 Observer checklist', 13);
  out.table(CHECKLIST_HEADER, checklistRows(input), [0.38, 0.1, 0.1, 0.18, 0.24]);
  out.gap(10);
  out.text(`里程碑得分 Milestone points ${score.milestonePoints} · 检查项得分 Checklist points ${score.checklistPoints}/${score.checklistMaxPoints}`, 11);
  out.text(`总分 Total ${score.total} / ${score.maxTotal}`, 16);
  out.text(`生成 Generated ${localTime(new Date(input.now).toISOString())} (Asia/Shanghai)`, 8, MUTED);
  return doc.save();
}
