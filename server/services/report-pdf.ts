import fs from 'node:fs/promises';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import sharp from 'sharp';
import type { ReportFigures } from '../../shared/report.js';
import { shanghaiDateTime } from '../../shared/time.js';
import { REPORT_FONT, ReportFontMissing } from './drill-report.js';
import { reportCharts, type RenderedChart } from './report-charts.js';
import { reportHeading, reportTables, reportTitle } from './report-tables.js';

/**
 * The periodic report as a printable A4 PDF: the shipped CJK font (assets/fonts), the figures as
 * tables, the ECharts charts (shapes rasterised by sharp at 3×, labels drawn with the font), page
 * numbers (第 n / N 页) and the duty chief's signature block (值班领导签字 / 日期).
 */

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;
const INK = rgb(0.1, 0.1, 0.12);
const MUTED = rgb(0.4, 0.42, 0.48);
const RULE = rgb(0.8, 0.82, 0.86);

function colour(hex: string): RGB {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? rgb(parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255) : INK;
}

class Writer {
  page: PDFPage;
  y: number;
  private readonly glyphs: Set<number>;

  constructor(
    private readonly doc: PDFDocument,
    readonly font: PDFFont,
  ) {
    this.page = doc.addPage(A4);
    this.y = A4[1] - MARGIN;
    this.glyphs = new Set(font.getCharacterSet());
  }

  printable(text: string): string {
    return [...text].map((ch) => (this.glyphs.has(ch.codePointAt(0)!) ? ch : '□')).join('');
  }

  fit(text: string, size: number, width: number): string {
    let out = this.printable(text);
    if (this.font.widthOfTextAtSize(out, size) <= width) return out;
    while (out.length > 1 && this.font.widthOfTextAtSize(`${out}…`, size) > width) out = out.slice(0, -1);
    return `${out}…`;
  }

  room(height: number): void {
    if (this.y - height >= MARGIN + 20) return;
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
  }

  text(text: string, size: number, tint = INK): void {
    this.room(size * 1.5);
    this.page.drawText(this.fit(text, size, A4[0] - 2 * MARGIN), { x: MARGIN, y: this.y - size, size, font: this.font, color: tint });
    this.y -= size * 1.5;
  }

  table(rows: string[][], widths: number[], size = 9): void {
    const full = A4[0] - 2 * MARGIN;
    rows.forEach((cells, index) => {
      this.room(size * 1.9);
      let x = MARGIN;
      cells.forEach((cell, i) => {
        const width = (widths[i] ?? 0) * full;
        this.page.drawText(this.fit(cell, size, width - 4), { x, y: this.y - size, size, font: this.font, color: index === 0 ? MUTED : INK });
        x += width;
      });
      this.y -= size * 1.9;
      if (index === 0) this.page.drawLine({ start: { x: MARGIN, y: this.y + size * 0.6 }, end: { x: A4[0] - MARGIN, y: this.y + size * 0.6 }, thickness: 0.6, color: RULE });
    });
  }

  /** A chart: its shapes as a PNG, its labels drawn with the shipped font. */
  async chart(chart: RenderedChart): Promise<void> {
    const scale = (A4[0] - 2 * MARGIN) / chart.width;
    const height = chart.height * scale;
    this.room(height + 8);
    const png = await sharp(Buffer.from(chart.shapes), { density: 72 * 3 }).png().toBuffer();
    const image = await this.doc.embedPng(png);
    const top = this.y;
    this.page.drawImage(image, { x: MARGIN, y: top - height, width: chart.width * scale, height });
    for (const label of chart.texts) {
      const size = label.size * scale;
      const text = this.printable(label.text);
      const width = this.font.widthOfTextAtSize(text, size);
      const x = MARGIN + label.x * scale - (label.anchor === 'middle' ? width / 2 : label.anchor === 'end' ? width : 0);
      // ECharts' labels are vertically centred on y (dominant-baseline: central), or hang from it (titles).
      const y = top - label.y * scale - size * 0.35;
      this.page.drawText(text, { x, y, size, font: this.font, color: colour(label.fill) });
    }
    this.y -= height + 8;
  }
}

let fontBytes: Promise<Uint8Array> | null = null;

function loadFont(): Promise<Uint8Array> {
  fontBytes ??= fs.readFile(REPORT_FONT).catch((error: unknown) => {
    fontBytes = null;
    throw new ReportFontMissing(`the report font is missing (${error instanceof Error ? error.message : String(error)})`);
  });
  return fontBytes;
}

/** The report's PDF. */
export async function reportPdf(figures: ReportFigures): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.registerFontkit(fontkit);
  const title = reportTitle(figures);
  doc.setTitle(title);
  doc.setCreator('Xiaoan 校安');
  doc.setCreationDate(new Date(figures.generatedAt));
  doc.setModificationDate(new Date(figures.generatedAt));
  const font = await doc.embedFont(await loadFont(), { subset: true });
  const out = new Writer(doc, font);
  out.text(reportHeading(figures), 18);
  out.text(`统计周期 Period ${figures.period.label}（Asia/Shanghai）· 生成 Generated ${shanghaiDateTime(figures.generatedAt)}（北京时间）`, 9, MUTED);
  out.y -= 6;
  const charts = reportCharts(figures);
  for (const section of reportTables(figures)) {
    out.text(section.title, 12);
    out.table(section.rows, section.widths);
    out.y -= 6;
    if (section.chart !== undefined) {
      const chart = charts[section.chart];
      if (chart) await out.chart(chart);
    }
  }
  // The duty chief signs the printed report.
  out.room(120);
  out.y -= 20;
  out.text('值班领导签字 Signature of the duty chief：______________________________', 11);
  out.y -= 14;
  out.text('日期 Date：________ 年 ____ 月 ____ 日', 11);
  out.y -= 14;
  out.text('审核 Reviewed by：____________________', 11);

  const pages = doc.getPages();
  pages.forEach((page, i) => {
    const label = `第 ${i + 1} / ${pages.length} 页  Page ${i + 1} of ${pages.length}`;
    page.drawText(label, { x: A4[0] / 2 - font.widthOfTextAtSize(label, 8) / 2, y: 22, size: 8, font, color: MUTED });
  });
  return doc.save();
}
