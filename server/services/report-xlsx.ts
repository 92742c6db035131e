import ExcelJS from 'exceljs';
import type { ReportFigures } from '../../shared/report.js';
import { reportTables, reportTitle } from './report-tables.js';

/** A cell: whole and decimal numbers as numbers (so a spreadsheet sums them), the rest as text, formulas defused. */
function cell(value: string): string | number {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  return /^[=+\-@]/.test(value) ? `'${value}` : value;
}

/** The report's figures as .xlsx: one sheet per table of the PDF, the overview first. */
export async function reportXlsx(figures: ReportFigures): Promise<Uint8Array> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Xiaoan 校安';
  book.created = new Date(figures.generatedAt);
  for (const section of reportTables(figures)) {
    const sheet = book.addWorksheet(section.sheet.slice(0, 31));
    if (section.sheet === 'Overview') sheet.addRow([reportTitle(figures)]);
    sheet.addRow([section.title]);
    for (const row of section.rows) sheet.addRow(row.map(cell));
    sheet.columns.forEach((column, i) => {
      column.width = Math.max(12, Math.round((section.widths[i] ?? 0.2) * 90));
    });
  }
  return new Uint8Array(await book.xlsx.writeBuffer());
}
