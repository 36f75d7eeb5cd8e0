import 'server-only';
import { methodNotAllowed } from '@/lib/http/json-errors';
import { handleMetrics } from '@/lib/http/status-handlers';

export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

export const GET = handleMetrics;
export const { POST, PUT, PATCH, DELETE, OPTIONS } = methodNotAllowed(['GET']);
