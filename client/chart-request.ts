import { z } from 'zod';
import type { ChartOption } from './composables/useEChart.js';

/** The largest chart drawn: a 4K wall's width and height, in CSS pixels. */
export const MAX_CHART_SIDE = 4096;

/**
 * A chart to draw: its options (plain data, no functions: they go through structured clone) and
 * the size of the box it fills, in CSS pixels.
 */
export const chartRequestSchema = z.object({
  id: z.number().int().nonnegative(),
  width: z.number().int().positive().max(MAX_CHART_SIDE),
  height: z.number().int().positive().max(MAX_CHART_SIDE),
  option: z.record(z.string(), z.unknown()),
});
export type ChartRequest = Omit<z.infer<typeof chartRequestSchema>, 'option'> & { option: ChartOption };

/** A drawn chart: the request's id and its picture as an SVG document, or why it could not be drawn. */
export type ChartAnswer = { id: number; svg: string } | { id: number; error: string };
