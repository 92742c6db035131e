import ExcelJS from 'exceljs';
import { RULE_LABELS, SETTING_LABELS_ZH, STAGE_LABELS_ZH, type ComplianceFilters, type ComplianceMatrix, type ComplianceRow } from '../../shared/compliance.js';
import { DISTRICTS, SCHOOL_SETTINGS, SCHOOL_STAGES } from '../../shared/domain/index.js';

/**
 * The statistics table (附件4) from the matrix, so the file and the screen can never disagree:
 * one row per district and the city total; schools by stage and by setting; for each
 * requirement the schools judged (应达标), those meeting it (达标) and the rate (达标率).
 */
export interface StatisticsTable {
  title: string;
  subtitle: string;
  /** Top header: a label over `span` columns. */
  groups: { label: string; span: number }[];
  /** Bottom header, one per column. */
  columns: string[];
  /** Values per row; a rate is a fraction, null where no school is judged yet. */
  rows: (string | number | null)[][];
  /** Indexes of the rate columns. */
  rateColumns: Set<number>;
  note: string;
}

/** Shown where no school is judged yet (a rate of nothing). */
export const NO_RATE = '—';

function filterText(filters: ComplianceFilters): string {
  const parts: string[] = [];
  if (filters.districtCode) parts.push(DISTRICTS.find((d) => d.code === filters.districtCode)?.name ?? filters.districtCode);
  if (filters.stage) parts.push(STAGE_LABELS_ZH[filters.stage]);
  if (filters.setting) parts.push(SETTING_LABELS_ZH[filters.setting]);
  return parts.length ? parts.join('、') : '全部学校';
}

function chineseDate(date: string): string {
  return `${date.slice(0, 4)}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
}

export function statisticsTable(matrix: ComplianceMatrix): StatisticsTable {
  const groups = [
    { label: '区县', span: 1 },
    { label: '学校总数', span: 1 },
    { label: '按学段（所）', span: SCHOOL_STAGES.length },
    { label: '按城乡（所）', span: SCHOOL_SETTINGS.length },
    ...matrix.rules.map((rule) => ({ label: RULE_LABELS[rule].zh, span: 3 })),
  ];
  const columns = ['区县', '学校总数', ...SCHOOL_STAGES.map((s) => STAGE_LABELS_ZH[s]), ...SCHOOL_SETTINGS.map((s) => SETTING_LABELS_ZH[s]), ...matrix.rules.flatMap(() => ['应达标', '达标', '达标率'])];
  const firstRule = 2 + SCHOOL_STAGES.length + SCHOOL_SETTINGS.length;
  const rateColumns = new Set(matrix.rules.map((_, i) => firstRule + i * 3 + 2));
  const line = (row: ComplianceRow) => [
    row.name,
    row.schools,
    ...SCHOOL_STAGES.map((s) => row.byStage[s]),
    ...SCHOOL_SETTINGS.map((s) => row.bySetting[s]),
    ...matrix.rules.flatMap((rule) => {
      const cell = row.cells[rule];
      return [cell.pass + cell.fail, cell.pass, cell.rate];
    }),
  ];
  return {
    title: '平顶山市中小学幼儿园安全防范建设情况统计表（附件4）',
    subtitle: `统计截至：${chineseDate(matrix.asOf)}（${matrix.asOf}），范围：${filterText(matrix.filters)}`,
    groups,
    columns,
    rows: [...matrix.rows.map(line), line(matrix.total)],
    rateColumns,
    note: '说明：应达标 = 已到达标期限并已评判的学校数（达标 + 未达标），不含未到期、本期进行中及不适用的学校；达标率 = 达标 ÷ 应达标。',
  };
}

/** The table as a real .xlsx workbook (exceljs): title, two header rows, districts and the total, rates as percentages. */
export async function statisticsWorkbook(table: StatisticsTable): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '校安 Xiaoan';
  const sheet = workbook.addWorksheet('附件4', { views: [{ state: 'frozen', xSplit: 1, ySplit: 4 }] });
  const width = table.columns.length;
  const bold = { bold: true };
  const centre = { horizontal: 'center', vertical: 'middle', wrapText: true } as const;

  sheet.addRow([table.title]);
  sheet.mergeCells(1, 1, 1, width);
  sheet.getCell(1, 1).font = { bold: true, size: 16 };
  sheet.getCell(1, 1).alignment = centre;
  sheet.addRow([table.subtitle]);
  sheet.mergeCells(2, 1, 2, width);

  const top = sheet.addRow([]);
  const bottom = sheet.addRow(table.columns);
  let column = 1;
  for (const group of table.groups) {
    top.getCell(column).value = group.label;
    if (group.span > 1) sheet.mergeCells(3, column, 3, column + group.span - 1);
    else sheet.mergeCells(3, column, 4, column);
    column += group.span;
  }
  for (const row of [top, bottom]) {
    row.font = bold;
    row.alignment = centre;
  }
  sheet.getRow(3).height = 32;

  for (const values of table.rows) {
    const row = sheet.addRow(values.map((v, i) => (v === null && table.rateColumns.has(i) ? NO_RATE : v)));
    for (const i of table.rateColumns) row.getCell(i + 1).numFmt = '0.0%';
  }
  sheet.lastRow!.font = bold;
  sheet.addRow([]);
  sheet.addRow([table.note]);
  sheet.getColumn(1).width = 12;
  for (let i = 2; i <= width; i++) sheet.getColumn(i).width = table.rateColumns.has(i - 1) ? 9 : 7;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The table as CSV with a UTF-8 byte-order mark (so Excel reads the Chinese right): the title
 * line, one header row naming requirement and figure together, the rows, rates as `87.3%`.
 */
export function statisticsCsv(table: StatisticsTable): string {
  const headers: string[] = [];
  let column = 0;
  for (const group of table.groups) {
    for (let i = 0; i < group.span; i++, column++) {
      const leaf = table.columns[column]!;
      headers.push(group.span === 1 || group.label.startsWith('按') ? leaf : `${group.label}${leaf}`);
    }
  }
  const lines = [[table.title], [table.subtitle], headers];
  for (const values of table.rows) {
    lines.push(values.map((v, i) => (table.rateColumns.has(i) ? (v === null ? NO_RATE : `${(Number(v) * 100).toFixed(1)}%`) : String(v))));
  }
  return `\uFEFF${lines.map((line) => line.map(csvField).join(',')).join('\r\n')}\r\n`;
}
