import { circularInputSchema, inspectionCampaignSchema, inspectionInputSchema, inspectionListQuery, inspectionListSchema } from '../inspections.js';
import { route } from './route.js';

/**
 * The city's and the counties' inspection campaigns (检查督导, 二(五)2) and their circulars (通报),
 * issue 15: listed with the term's duties by anyone who reads beyond one school (a county person
 * sees the city's and their own county's), recorded and circulated by the education bureau and the
 * police for their own department, a county person for their own county only (InspectionService).
 */
export const INSPECTION_ROUTES = {
  'inspections.list': route({
    method: 'GET', path: '/inspections', allow: 'read', query: inspectionListQuery, answer: inspectionListSchema,
    summary: 'the term’s inspection campaigns and whether each department held its two and circulated them (city and counties in scope)',
  }),
  'inspections.get': route({ method: 'GET', path: '/inspections/:id', allow: 'read', answer: inspectionCampaignSchema, summary: 'one inspection campaign with its circular' }),
  'inspections.create': route({
    method: 'POST', path: '/inspections', allow: 'inspection.write', body: inspectionInputSchema, answer: inspectionCampaignSchema, status: 201,
    summary: 'record an inspection campaign of one’s own department (city, or one’s own county)',
  }),
  'inspections.circular': route({
    method: 'PUT', path: '/inspections/:id/circular', allow: 'inspection.write', body: circularInputSchema, answer: inspectionCampaignSchema,
    summary: 'publish the campaign’s circular (通报) with its findings per school, once',
  }),
} as const;

